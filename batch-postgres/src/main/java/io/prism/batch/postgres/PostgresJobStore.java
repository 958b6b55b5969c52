package io.prism.batch.postgres;

import io.prism.batch.api.BatchException;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.Task;
import io.prism.batch.api.data.JobRecord;
import io.prism.batch.api.data.JobStatus;
import io.prism.batch.api.data.JobStore;
import io.prism.batch.postgres.internal.Sql;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
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

  private boolean changePausedType(String taskType, String statement, String verb) {
    if (!Task.isValidType(taskType)) {
      throw new InvalidInputException("taskType", taskType, Task.TYPE_RULE);
    }
    ensureOpen();
    return Sql.call(verb + " task type " + taskType, () -> jdbi.withHandle(h ->
        h.createUpdate(statement).bind("type", taskType).execute())) > 0;
  }

  private static <T> T write(String what, Supplier<T> call) {
    try {
      return call.get();
    } catch (JdbiException e) {
      if (Sql.sqlState(e).filter(Sql.INVALID_TEXT_REPRESENTATION::equals).isPresent()
          || Sql.sqlState(e).filter(Sql.UNTRANSLATABLE_CHARACTER::equals).isPresent()) {
        throw new InvalidInputException("resultSummary", "the summary",
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
