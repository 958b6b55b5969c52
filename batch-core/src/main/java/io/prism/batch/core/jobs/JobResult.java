package io.prism.batch.core.jobs;

import io.prism.batch.api.BatchResult;
import io.prism.batch.api.data.DataKey;
import io.prism.batch.api.data.JobRecord;
import io.prism.batch.core.engine.EngineMetrics.TypeSnapshot;
import io.prism.batch.core.report.RunReport;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outcome of one job run of {@link WarmJobs}: the job record as stored at the end, the
 * engine's batch result and metrics, and the job's own counts. Immutable.
 *
 * @param job the job record, final status and counts included
 * @param batch the engine's result
 * @param metrics the engine's per-task-type figures, for {@link #report()}
 * @param counts the job's counts by name, e.g. {@value #FETCHED} or {@value #DELETED}, in a
 *     stable order
 * @param changed keys whose content hash changed during the run (new keys included); empty for
 *     {@code cache_clean}
 */
public record JobResult(
    JobRecord job,
    BatchResult batch,
    Map<String, TypeSnapshot> metrics,
    Map<String, Long> counts,
    List<DataKey> changed) {

  /** Warm jobs: records fetched from the source. */
  public static final String FETCHED = "fetched";
  /** Warm jobs: keys whose fresh L2 record was copied to L1 without a source call. */
  public static final String FRESH_IN_L2 = "freshInL2";
  /** Warm jobs: keys the source has no data for. */
  public static final String NOT_FOUND = "notFound";
  /** Warm jobs: keys whose content hash changed. */
  public static final String CHANGED = "changed";
  /** Warm jobs: key fetches that failed, retried ones included. */
  public static final String FAILED_FETCHES = "failedFetches";
  /** {@code cache_clean}: records planned for deletion because they passed the retention age. */
  public static final String EXPIRED = "expired";
  /** {@code cache_clean}: stale records planned for deletion because no active list holds them. */
  public static final String ORPHANED = "orphaned";
  /** {@code cache_clean}: records deleted from L2 (and invalidated in L1). */
  public static final String DELETED = "deleted";
  /** {@code cache_clean}: planned records kept because they were fetched again meanwhile. */
  public static final String KEPT = "kept";

  /** Copies the collections, keeping the order of the counts. */
  public JobResult {
    metrics = Map.copyOf(metrics);
    counts = Collections.unmodifiableMap(new LinkedHashMap<>(counts));
    changed = List.copyOf(changed);
  }

  /**
   * Returns a count.
   *
   * @param name e.g. {@value #FETCHED}
   * @return the count, or 0 when the job has none of that name
   */
  public long count(String name) {
    return counts.getOrDefault(name, 0L);
  }

  /**
   * Makes the engine's run report of this job's batch.
   *
   * @return the report; {@code writeAll(dir)} writes it as Markdown, JSON and HTML
   */
  public RunReport report() {
    return RunReport.of(batch, metrics);
  }
}
