package io.prism.batch.core.store.internal;

import io.prism.batch.api.data.DailyMetric;
import io.prism.batch.api.data.DataKey;
import io.prism.batch.api.data.DataRecord;
import io.prism.batch.api.data.JobRecord;
import io.prism.batch.api.data.JobStatus;
import io.prism.batch.api.data.StockCode;
import io.prism.batch.api.data.Watchlist;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.List;
import java.util.Optional;

/**
 * The documents the embedded stores write, and their conversion from and to the API's values.
 * Times are ISO-8601 text; absent optional values are JSON {@code null}.
 */
public final class Docs {
  private Docs() {}

  /**
   * The records of one stock: one file per stock.
   *
   * @param format layout version
   * @param stockCode the stock
   * @param records its records, one per data type
   */
  public record RecordShard(int format, String stockCode, List<RecordEntry> records)
      implements StoreJson.Versioned {}

  /**
   * One record in a {@link RecordShard}.
   *
   * @param dataType the data type
   * @param payload the JSON payload, as text
   * @param contentHash the content hash
   * @param fetchedAt when fetched
   * @param source the source name
   */
  public record RecordEntry(
      String dataType, String payload, String contentHash, String fetchedAt, String source) {

    /**
     * Converts a record.
     *
     * @param r the record
     * @return the entry
     */
    public static RecordEntry of(DataRecord r) {
      return new RecordEntry(r.key().dataType(), r.payload(), r.contentHash(),
          r.fetchedAt().toString(), r.source());
    }

    /**
     * Converts back.
     *
     * @param stockCode the shard's stock
     * @return the record
     */
    public DataRecord toRecord(String stockCode) {
      return new DataRecord(new DataKey(stockCode, dataType), payload, contentHash,
          Instant.parse(fetchedAt), source, false);
    }
  }

  /**
   * All watchlists of a store.
   *
   * @param format layout version
   * @param nextId the next id to hand out
   * @param watchlists the lists, by id
   */
  public record WatchlistsDoc(int format, long nextId, List<WatchlistEntry> watchlists)
      implements StoreJson.Versioned {}

  /**
   * One watchlist.
   *
   * @param id id
   * @param userId owner
   * @param name name
   * @param description description
   * @param stocks codes as {@code 600519.SH}
   * @param priority priority
   * @param autoBatch auto batch flag
   * @param dataTypes data types
   * @param scheduleTime {@code HH:mm[:ss]}
   * @param active active flag
   * @param createdAt creation time
   * @param updatedAt update time
   */
  public record WatchlistEntry(
      long id, String userId, String name, String description, List<String> stocks,
      int priority, boolean autoBatch, List<String> dataTypes, String scheduleTime,
      boolean active, String createdAt, String updatedAt) {

    /**
     * Converts a watchlist.
     *
     * @param w the list
     * @return the entry
     */
    public static WatchlistEntry of(Watchlist w) {
      return new WatchlistEntry(w.id(), w.userId(), w.name(), w.description(),
          w.stocks().stream().map(StockCode::toString).toList(), w.priority(), w.autoBatch(),
          w.dataTypes(), w.scheduleTime().toString(), w.active(), w.createdAt().toString(),
          w.updatedAt().toString());
    }

    /**
     * Converts back.
     *
     * @return the watchlist
     */
    public Watchlist toWatchlist() {
      return new Watchlist(id, userId, name, description,
          stocks.stream().map(StockCode::parse).toList(), priority, autoBatch, dataTypes,
          LocalTime.parse(scheduleTime), active, Instant.parse(createdAt),
          Instant.parse(updatedAt));
    }
  }

  /**
   * The usage statistics of a store's watchlists.
   *
   * @param format layout version
   * @param usage one entry per list and day
   */
  public record UsageDoc(int format, List<UsageEntry> usage) implements StoreJson.Versioned {}

  /**
   * The paused task types of a job store.
   *
   * @param format layout version
   * @param pausedTaskTypes the types, sorted
   */
  public record PausedTypesDoc(int format, List<String> pausedTaskTypes)
      implements StoreJson.Versioned {}

  /**
   * The daily performance metrics of a job store.
   *
   * @param format layout version
   * @param metrics the metrics, by date, metric type and category
   */
  public record DailyMetricsDoc(int format, List<MetricEntry> metrics)
      implements StoreJson.Versioned {}

  /**
   * One daily metric.
   *
   * @param date the day, {@code yyyy-MM-dd}
   * @param metricType the metric type
   * @param category the job type, or empty for all
   * @param value the value as decimal text, e.g. {@code 0.750000}
   * @param additionalData a JSON object, as text
   */
  public record MetricEntry(
      String date, String metricType, String category, String value, String additionalData) {

    /**
     * Converts a metric.
     *
     * @param m the metric
     * @return the entry
     */
    public static MetricEntry of(DailyMetric m) {
      return new MetricEntry(m.date().toString(), m.metricType(), m.category(),
          m.value().toPlainString(), m.additionalData());
    }

    /**
     * Converts back.
     *
     * @return the metric
     */
    public DailyMetric toMetric() {
      return new DailyMetric(LocalDate.parse(date), metricType, category, new BigDecimal(value),
          additionalData);
    }
  }

  /**
   * One list's statistics on one day.
   *
   * @param watchlistId the list
   * @param day the day, {@code yyyy-MM-dd}
   * @param accessCount reads
   * @param lastAccessed last read
   * @param totalResponseMillis summed latency
   * @param cacheHits reads served from a cache tier
   */
  public record UsageEntry(long watchlistId, String day, long accessCount, String lastAccessed,
      double totalResponseMillis, long cacheHits) {}

  /**
   * One job record: one file per job.
   *
   * @param format layout version
   * @param id id
   * @param jobName name
   * @param jobType type
   * @param jobCategory category
   * @param stockCode stock, or null
   * @param dataType data type, or null
   * @param watchlistId watchlist, or null
   * @param status status name
   * @param priority priority
   * @param scheduledTime scheduled time, or null
   * @param startTime start time, or null
   * @param endTime end time, or null
   * @param processedCount processed
   * @param successCount succeeded
   * @param failedCount failed
   * @param errorMessage error, or null
   * @param resultSummary JSON summary
   * @param retryCount retries made
   * @param maxRetries retries allowed
   * @param createdAt creation time
   * @param cancelRequested true if a cancel was requested; null (absent) if not
   */
  public record JobDoc(
      int format, long id, String jobName, String jobType, String jobCategory, String stockCode,
      String dataType, Long watchlistId, String status, int priority, String scheduledTime,
      String startTime, String endTime, long processedCount, long successCount,
      long failedCount, String errorMessage, String resultSummary, int retryCount,
      int maxRetries, String createdAt, Boolean cancelRequested)
      implements StoreJson.Versioned {

    /**
     * Converts a job record.
     *
     * @param j the record
     * @param cancelRequested the job's cancel flag (see {@code JobStore#requestCancel}); null in
     *     the document when not set, as in files written before the flag existed
     * @return the document
     */
    public static JobDoc of(JobRecord j, boolean cancelRequested) {
      return new JobDoc(StoreJson.FORMAT, j.id(), j.jobName(), j.jobType(), j.jobCategory(),
          j.stockCode().orElse(null), j.dataType().orElse(null), j.watchlistId().orElse(null),
          j.status().name(), j.priority(), text(j.scheduledTime()), text(j.startTime()),
          text(j.endTime()), j.processedCount(), j.successCount(), j.failedCount(),
          j.errorMessage().orElse(null), j.resultSummary(), j.retryCount(), j.maxRetries(),
          j.createdAt().toString(), cancelRequested ? Boolean.TRUE : null);
    }

    /**
     * Tells whether the document's cancel flag is set; absent (older files) means not.
     *
     * @return the flag
     */
    public boolean hasCancelRequest() {
      return Boolean.TRUE.equals(cancelRequested);
    }

    /**
     * Converts back.
     *
     * @return the record
     */
    public JobRecord toRecord() {
      return new JobRecord(id, jobName, jobType, jobCategory, Optional.ofNullable(stockCode),
          Optional.ofNullable(dataType), Optional.ofNullable(watchlistId),
          JobStatus.valueOf(status), priority, instant(scheduledTime), instant(startTime),
          instant(endTime), processedCount, successCount, failedCount,
          Optional.ofNullable(errorMessage), resultSummary, retryCount, maxRetries,
          Instant.parse(createdAt));
    }

    private static String text(Optional<Instant> t) {
      return t.map(Instant::toString).orElse(null);
    }

    private static Optional<Instant> instant(String t) {
      return t == null ? Optional.empty() : Optional.of(Instant.parse(t));
    }
  }
}
