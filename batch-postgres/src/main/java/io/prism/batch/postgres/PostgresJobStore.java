package io.prism.batch.postgres;

import io.prism.batch.api.BatchException;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.Task;
import io.prism.batch.api.data.DailyMetric;
import io.prism.batch.api.data.JobRecord;
import io.prism.batch.api.data.JobStatus;
import io.prism.batch.api.data.JobStore;
import io.prism.batch.postgres.internal.Sql;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.SqlStatement;

/**
 * The {@link JobStore} on PostgreSQL: the seed's table {@code batch_jobs}, with the status in
 * lower case ({@code pending}, {@code running}, {@code success}, {@code failed}, {@code
 * cancelled}) and {@code duration_seconds} computed by the database from the start and end
 * times. Any job type is accepted: the engine is generic, so the seed's four types are not a
 * constraint. {@link #recent} orders by creation time, newest first, then by id.
 *
 * <p>A cancel request ({@link #requestCancel}) is the time in the column {@code
 * cancel_requested_at}, set once while the job is pending or running; {@link #update} leaves it
 * alone.
 * Every JVM sharing the table sees it, so the JVM that runs the job can cancel it. Paused task
 * types ({@link #pauseTaskType}) are rows of {@code batch_paused_task_types}.
 *
 * <p>Daily metrics ({@link #putDailyMetrics}) are rows of the seed's {@code
 * batch_performance_metrics}, upserted in one transaction ({@code INSERT … ON CONFLICT (date,
 * metric_type, metric_category) DO UPDATE}); {@link #finishedBetween} reads {@code batch_jobs}
 * by the index on {@code end_time} (migration V7).
 *
 * <p>{@code jsonb} keeps the JSON document, not its spelling: a result summary reads back with
 * PostgreSQL's spacing and key order. Times are kept to the microsecond.
 *
 * <p>Thread-safe.
 *
 * <pre>{@code
 * JobStore jobs = PostgresJobStore.builder(jdbi).schema("prism").build();
 * JobRecord job = jobs.create(JobRecord.pending("nightly", "watchlist_warm", "scheduled", 5, now));
 * }</pre>
 */
public final class PostgresJobStore extends StoreSupport implements JobStore {

  /** The provider name, {@value}. */
  public static final String NAME = "postgres";

  private static final String COLUMNS = "id, job_name, job_type, job_category, stock_code,"
      + " data_type, watchlist_id, status, priority_level, scheduled_time, start_time,"
      + " end_time, processed_count, success_count, failed_count, error_message,"
      + " result_summary::text AS result_summary, retry_count, max_retries, created_at";

  /** The earliest {@code timestamptz}, 4714-11-24 BC. */
  private static final Instant MIN_TIME =
      LocalDate.of(-4713, 11, 24).atStartOfDay(ZoneOffset.UTC).toInstant();
  /** The latest {@code timestamptz}, 294276-12-31 23:59:59.999999. */
  private static final Instant MAX_TIME =
      LocalDate.of(294277, 1, 1).atStartOfDay(ZoneOffset.UTC).toInstant().minusNanos(1000);

  private final String insert;
  private final String update;
  private final String selectById;
  private final String selectRecent;
  private final String selectRecentOfType;
  private final String requestCancel;
  private final String deleteFinished;
  private final String selectCancelRequested;
  private final String pauseType;
  private final String resumeType;
  private final String selectPausedTypes;
  private final String selectFinishedBetween;
  private final String upsertMetric;
  private final String selectMetrics;
  private final String selectMetricsOfType;

  private PostgresJobStore(Builder b) {
    super(b);
    String t = "${schema}.batch_jobs";
    insert = sql("INSERT INTO " + t + " (job_name, job_type, job_category, stock_code,"
        + " data_type, watchlist_id, status, priority_level, scheduled_time, start_time,"
        + " end_time, processed_count, success_count, failed_count, error_message,"
        + " result_summary, retry_count, max_retries, created_at) VALUES (:jobName, :jobType,"
        + " :jobCategory, :stockCode, :dataType, :watchlistId, :status, :priority,"
        + " :scheduledTime, :startTime, :endTime, :processed, :succeeded, :failed,"
        + " :errorMessage, :summary::jsonb, :retryCount, :maxRetries, :createdAt)"
        + " RETURNING " + COLUMNS);
    update = sql("UPDATE " + t + " SET job_name = :jobName, job_type = :jobType,"
        + " job_category = :jobCategory, stock_code = :stockCode, data_type = :dataType,"
        + " watchlist_id = :watchlistId, status = :status, priority_level = :priority,"
        + " scheduled_time = :scheduledTime, start_time = :startTime, end_time = :endTime,"
        + " processed_count = :processed, success_count = :succeeded,"
        + " failed_count = :failed, error_message = :errorMessage,"
        + " result_summary = :summary::jsonb, retry_count = :retryCount,"
        + " max_retries = :maxRetries, created_at = :createdAt WHERE id = :id");
    selectById = sql("SELECT " + COLUMNS + " FROM " + t + " WHERE id = :id");
    selectRecent = sql("SELECT " + COLUMNS + " FROM " + t
        + " ORDER BY created_at DESC, id DESC LIMIT :limit");
    selectRecentOfType = sql("SELECT " + COLUMNS + " FROM " + t
        + " WHERE job_type = :jobType ORDER BY created_at DESC, id DESC LIMIT :limit");
    deleteFinished = sql("DELETE FROM " + t + " WHERE id = :id"
        + " AND status NOT IN ('pending', 'running')");
    requestCancel = sql("UPDATE " + t + " SET cancel_requested_at ="
        + " COALESCE(cancel_requested_at, now()) WHERE id = :id"
        + " AND status IN ('pending', 'running')");
    selectCancelRequested = sql("SELECT cancel_requested_at IS NOT NULL FROM " + t
        + " WHERE id = :id");
    String paused = "${schema}.batch_paused_task_types";
    pauseType = sql("INSERT INTO " + paused + " (task_type, paused_at) VALUES (:type, now())"
        + " ON CONFLICT DO NOTHING");
    resumeType = sql("DELETE FROM " + paused + " WHERE task_type = :type");
    selectPausedTypes = sql("SELECT task_type FROM " + paused + " ORDER BY task_type");
    selectFinishedBetween = sql("SELECT " + COLUMNS + " FROM " + t
        + " WHERE end_time >= :from AND end_time < :to ORDER BY end_time, id");
    String metrics = "${schema}.batch_performance_metrics";
    upsertMetric = sql("INSERT INTO " + metrics + " (date, metric_type, metric_category,"
        + " metric_value, additional_data) VALUES (:date, :type, :category, :value, :data::jsonb)"
        + " ON CONFLICT (date, metric_type, metric_category) DO UPDATE SET"
        + " metric_value = EXCLUDED.metric_value, additional_data = EXCLUDED.additional_data,"
        + " created_at = now()");
    String selectMetric = "SELECT date, metric_type, metric_category, metric_value,"
        + " additional_data::text AS additional_data FROM " + metrics
        + " WHERE date BETWEEN :from AND :to";
    String byKey = " ORDER BY date, metric_type COLLATE \"C\", metric_category COLLATE \"C\"";
    selectMetrics = sql(selectMetric + byKey);
    selectMetricsOfType = sql(selectMetric + " AND metric_type = :type" + byKey);
  }

  /**
   * Starts a builder.
   *
   * @param jdbi the database
   * @return a builder
   */
  public static Builder builder(Jdbi jdbi) {
    return new Builder(jdbi);
  }

  @Override
  public JobRecord create(JobRecord job) {
    Objects.requireNonNull(job, "job");
    ensureOpen();
    return write("create job record " + job.jobName(), () -> jdbi.withHandle(h ->
        bind(h.createQuery(insert), job).map((rs, ctx) -> job(rs)).one()));
  }

  @Override
  public void update(JobRecord job) {
    Objects.requireNonNull(job, "job");
    ensureOpen();
    int rows = write("update job record " + job.id(), () -> jdbi.withHandle(h ->
        bind(h.createUpdate(update), job).bind("id", job.id()).execute()));
    if (rows == 0) {
      throw new InvalidInputException("id", job.id(), "no job record has this id");
    }
  }

  @Override
  public Optional<JobRecord> get(long id) {
    ensureOpen();
    return Sql.call("read job record " + id, () -> jdbi.withHandle(h ->
        h.createQuery(selectById).bind("id", id).map((rs, ctx) -> job(rs)).findOne()));
  }

  @Override
  public List<JobRecord> recent(Optional<String> jobType, int limit) {
    Objects.requireNonNull(jobType, "jobType");
    if (limit < 1) {
      throw new InvalidInputException("limit", limit, "must be at least 1");
    }
    ensureOpen();
    return Sql.call("list recent job records", () -> jdbi.withHandle(h -> {
      var q = jobType.isPresent()
          ? h.createQuery(selectRecentOfType).bind("jobType", jobType.get())
          : h.createQuery(selectRecent);
      return q.bind("limit", limit).map((rs, ctx) -> job(rs)).list();
    }));
  }

  @Override
  public boolean delete(long jobId) {
    ensureOpen();
    int deleted = Sql.call("delete job record " + jobId, () -> jdbi.withHandle(h ->
        h.createUpdate(deleteFinished).bind("id", jobId).execute()));
    if (deleted > 0) {
      return true;
    }
    Optional<JobRecord> left = get(jobId);
    if (left.isPresent() && !left.get().status().isFinished()) {
      throw new InvalidInputException("jobId", jobId, "job " + jobId + " is "
          + left.get().status().name().toLowerCase(Locale.ROOT)
          + ": only a finished job can be deleted; cancel it first");
    }
    return false;
  }

  @Override
  public boolean requestCancel(long jobId) {
    ensureOpen();
    return Sql.call("request the cancel of job " + jobId, () -> jdbi.withHandle(h ->
        h.createUpdate(requestCancel).bind("id", jobId).execute())) > 0;
  }

  @Override
  public boolean cancelRequested(long jobId) {
    ensureOpen();
    return Sql.call("read the cancel request of job " + jobId, () -> jdbi.withHandle(h ->
        h.createQuery(selectCancelRequested).bind("id", jobId).mapTo(Boolean.class).findOne()))
        .orElse(false);
  }

  @Override
  public boolean pauseTaskType(String taskType) {
    return changePausedType(taskType, pauseType, "pause");
  }

  @Override
  public boolean resumeTaskType(String taskType) {
    return changePausedType(taskType, resumeType, "resume");
  }

  @Override
  public Set<String> pausedTaskTypes() {
    ensureOpen();
    List<String> types = Sql.call("read the paused task types", () -> jdbi.withHandle(h ->
        h.createQuery(selectPausedTypes).mapTo(String.class).list()));
    return Collections.unmodifiableSortedSet(new TreeSet<>(types));
  }

  @Override
  public List<JobRecord> finishedBetween(Instant from, Instant to) {
    JobStore.requireRange(from, to);
    ensureOpen();
    return Sql.call("list the jobs that ended in [" + from + ", " + to + ")", () ->
        jdbi.withHandle(h -> h.createQuery(selectFinishedBetween)
            .bind("from", Sql.timeCeiling(storable(from)))
            .bind("to", Sql.timeCeiling(storable(to)))
            .map((rs, ctx) -> job(rs)).list()));
  }

  @Override
  public void putDailyMetrics(Collection<DailyMetric> metrics) {
    Objects.requireNonNull(metrics, "metrics");
    // the later of two metrics with one key wins, as in separate calls
    Map<List<Object>, DailyMetric> byKey = new LinkedHashMap<>();
    for (DailyMetric m : metrics) {
      if (m == null) {
        throw new InvalidInputException("metrics", null, "must not hold null");
      }
      byKey.put(List.of(m.date(), m.metricType(), m.category()), m);
    }
    if (byKey.isEmpty()) {
      return;
    }
    ensureOpen();
    write("store " + byKey.size() + " daily metrics", "additionalData", () ->
        jdbi.inTransaction(h -> {
          for (DailyMetric m : byKey.values()) {
            h.createUpdate(upsertMetric).bind("date", m.date()).bind("type", m.metricType())
                .bind("category", m.category()).bind("value", m.value())
                .bind("data", m.additionalData()).execute();
          }
          return byKey.size();
        }));
  }

  @Override
  public List<DailyMetric> dailyMetrics(
      LocalDate from, LocalDate to, Optional<String> metricType) {
    JobStore.requireRange(from, to);
    Objects.requireNonNull(metricType, "metricType");
    ensureOpen();
    if (to.isBefore(DailyMetric.MIN_DATE) || from.isAfter(DailyMetric.MAX_DATE)) {
      return List.of();
    }
    LocalDate first = from.isBefore(DailyMetric.MIN_DATE) ? DailyMetric.MIN_DATE : from;
    LocalDate last = to.isAfter(DailyMetric.MAX_DATE) ? DailyMetric.MAX_DATE : to;
    return Sql.call("list the daily metrics of " + from + " to " + to, () ->
        jdbi.withHandle(h -> {
          var q = metricType.isPresent()
              ? h.createQuery(selectMetricsOfType).bind("type", metricType.get())
              : h.createQuery(selectMetrics);
          return q.bind("from", first).bind("to", last).map((rs, ctx) -> metric(rs)).list();
        }));
  }

  private boolean changePausedType(String taskType, String statement, String verb) {
    Task.requireType("taskType", taskType);
    ensureOpen();
    return Sql.call(verb + " task type " + taskType, () -> jdbi.withHandle(h ->
        h.createUpdate(statement).bind("type", taskType).execute())) > 0;
  }

  private static <T> T write(String what, Supplier<T> call) {
    return write(what, "resultSummary", call);
  }

  /** Runs a write; a JSON column's refusal of its text is an InvalidInputException on field. */
  private static <T> T write(String what, String field, Supplier<T> call) {
    try {
      return call.get();
    } catch (JdbiException e) {
      if (Sql.sqlState(e).filter(Sql.INVALID_TEXT_REPRESENTATION::equals).isPresent()
          || Sql.sqlState(e).filter(Sql.UNTRANSLATABLE_CHARACTER::equals).isPresent()) {
        throw new InvalidInputException(field, "the " + field,
            "must be one JSON value (" + Sql.rootMessage(e) + ")");
      }
      throw new BatchException("PostgreSQL: cannot " + what + ": " + Sql.rootMessage(e), e);
    }
  }

  private static <S extends SqlStatement<S>> S bind(S st, JobRecord j) {
    return st.bind("jobName", j.jobName())
        .bind("jobType", j.jobType())
        .bind("jobCategory", j.jobCategory())
        .bind("stockCode", j.stockCode().orElse(null))
        .bind("dataType", j.dataType().orElse(null))
        .bind("watchlistId", j.watchlistId().orElse(null))
        .bind("status", j.status().name().toLowerCase(Locale.ROOT))
        .bind("priority", j.priority())
        .bind("scheduledTime", Sql.time(j.scheduledTime()))
        .bind("startTime", Sql.time(j.startTime()))
        .bind("endTime", Sql.time(j.endTime()))
        .bind("processed", j.processedCount())
        .bind("succeeded", j.successCount())
        .bind("failed", j.failedCount())
        .bind("errorMessage", j.errorMessage().orElse(null))
        .bind("summary", j.resultSummary())
        .bind("retryCount", j.retryCount())
        .bind("maxRetries", j.maxRetries())
        .bind("createdAt", Sql.time(j.createdAt()));
  }

  /** Clamps a bound to the range of {@code timestamptz}, which holds every stored time. */
  private static Instant storable(Instant t) {
    return t.isBefore(MIN_TIME) ? MIN_TIME : t.isAfter(MAX_TIME) ? MAX_TIME : t;
  }

  private static DailyMetric metric(ResultSet rs) throws SQLException {
    String data = rs.getString("additional_data");
    return new DailyMetric(rs.getObject("date", LocalDate.class), rs.getString("metric_type"),
        rs.getString("metric_category"), rs.getBigDecimal("metric_value"),
        data == null ? "{}" : data);
  }

  private static JobRecord job(ResultSet rs) throws SQLException {
    long watchlistId = rs.getLong("watchlist_id");
    Optional<Long> watchlist = rs.wasNull() ? Optional.empty() : Optional.of(watchlistId);
    return new JobRecord(rs.getLong("id"), rs.getString("job_name"), rs.getString("job_type"),
        rs.getString("job_category"), Optional.ofNullable(rs.getString("stock_code")),
        Optional.ofNullable(rs.getString("data_type")), watchlist,
        JobStatus.valueOf(rs.getString("status").toUpperCase(Locale.ROOT)),
        rs.getInt("priority_level"),
        Sql.instant(rs.getObject("scheduled_time", OffsetDateTime.class)),
        Sql.instant(rs.getObject("start_time", OffsetDateTime.class)),
        Sql.instant(rs.getObject("end_time", OffsetDateTime.class)),
        rs.getLong("processed_count"), rs.getLong("success_count"), rs.getLong("failed_count"),
        Optional.ofNullable(rs.getString("error_message")), rs.getString("result_summary"),
        rs.getInt("retry_count"), rs.getInt("max_retries"),
        rs.getObject("created_at", OffsetDateTime.class).toInstant());
  }

  /** Builds a {@link PostgresJobStore}. Not thread-safe. */
  public static final class Builder extends StoreBuilder<Builder> {
    private Builder(Jdbi jdbi) {
      super(jdbi);
    }

    @Override
    Builder self() {
      return this;
    }

    /**
     * Builds the store, first migrating the schema unless {@link #migrate(boolean)} turned that
     * off.
     *
     * @return the store
     * @throws BatchException if the database cannot be reached or migrated
     */
    public PostgresJobStore build() {
      return new PostgresJobStore(this);
    }
  }
}
