package io.prism.batch.postgres;

import io.prism.batch.api.BatchException;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.schedule.FireGuard;
import io.prism.batch.api.schedule.Schedule;
import io.prism.batch.postgres.internal.Sql;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster-wide {@link FireGuard} on PostgreSQL: a claim is one row of {@value #TABLE}, keyed
 * by (schedule name, scheduled time), inserted with {@code INSERT … ON CONFLICT DO NOTHING}. The
 * node whose insert made the row runs the slot; every other node, and a node that stalls and
 * comes back late, finds the row and does not. The row also says which node claimed the slot and
 * when (the database's clock). The table is created by {@link PostgresMigrations}.
 *
 * <p><b>Retention.</b> Per schedule, claims within {@link Builder#retention retention} (default
 * {@link #DEFAULT_RETENTION}) of its latest claim are kept; a claim for a slot older than that is
 * refused, since it cannot be told apart from one already run and purged. Older rows are
 * deleted by {@link #purgeExpired()}, which the guard runs itself at most once per {@link
 * #PURGE_INTERVAL} after a successful claim (unless {@link Builder#autoPurge} is off). A
 * schedule's latest row is never purged: {@link #lastClaimed} reads it, so a scheduler that
 * starts after every node was down catches up the slots missed meanwhile. Choose a retention
 * longer than the longest grace period plus misfire threshold plus the clock skew between nodes.
 *
 * <p><b>Failures.</b> If the database cannot be reached or fails the statement, {@link #tryClaim}
 * and {@link #lastClaimed} throw a {@link BatchException} rather than guess; the scheduler then
 * does not run the slot on this node and reports it as {@link
 * io.prism.batch.api.schedule.MisfireCause#GUARD_FAILED}.
 *
 * <p>Thread-safe. Slots are kept to the microsecond (the precision of {@code timestamptz}).
 *
 * <pre>{@code
 * FireGuard guard = PostgresFireGuard.builder(jdbi).schema("prism").nodeId("worker-1").build();
 * LocalScheduler scheduler = LocalScheduler.builder().fireGuard(guard).build();
 * }</pre>
 */
public final class PostgresFireGuard extends StoreSupport implements FireGuard {

  /** The provider name, {@value}. */
  public static final String NAME = "postgres";
  /** The table of claims, {@value}. */
  public static final String TABLE = "prism_schedule_fires";
  /** The default retention: 8 days, longer than the longest grace period and threshold. */
  public static final Duration DEFAULT_RETENTION = Duration.ofDays(8);
  /** The shortest time between two purges run by the guard itself: 1 hour. */
  public static final Duration PURGE_INTERVAL = Duration.ofHours(1);
  /** The longest node id, {@value}. */
  public static final int MAX_NODE_ID_LENGTH = 200;

  private static final Logger LOG = LoggerFactory.getLogger(PostgresFireGuard.class);
  private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
  private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

  private final String nodeId;
  private final Duration retention;
  private final boolean autoPurge;
  private final AtomicLong nextPurgeNanos;
  private final String claim;
  private final String selectLast;
  private final String selectClaimant;
  private final String deleteExpired;
  private final String deleteBefore;

  private PostgresFireGuard(Builder b) {
    super(b);
    this.nodeId = b.nodeId;
    this.retention = b.retention;
    this.autoPurge = b.autoPurge;
    this.nextPurgeNanos = new AtomicLong(System.nanoTime());
    String t = "${schema}." + TABLE;
    claim = sql("INSERT INTO " + t + " (schedule_name, scheduled_time, node_id, claimed_at)"
        + " SELECT :name, :time, :node, now() WHERE NOT EXISTS (SELECT 1 FROM " + t
        + " WHERE schedule_name = :name AND scheduled_time > :horizon)"
        + " ON CONFLICT (schedule_name, scheduled_time) DO NOTHING");
    selectLast = sql("SELECT max(scheduled_time) FROM " + t + " WHERE schedule_name = :name");
    selectClaimant = sql("SELECT node_id FROM " + t
        + " WHERE schedule_name = :name AND scheduled_time = :time");
    deleteExpired = sql("DELETE FROM " + t + " f USING (SELECT schedule_name,"
        + " max(scheduled_time) AS latest FROM " + t + " GROUP BY schedule_name) m"
        + " WHERE f.schedule_name = m.schedule_name"
        + " AND f.scheduled_time < m.latest - :retentionMicros * interval '1 microsecond'");
    deleteBefore = sql("DELETE FROM " + t + " f WHERE f.scheduled_time < :cutoff"
        + " AND f.scheduled_time < (SELECT max(m.scheduled_time) FROM " + t + " m"
        + " WHERE m.schedule_name = f.schedule_name)");
  }

  /**
   * Starts a builder: schema {@value PostgresMigrations#DEFAULT_SCHEMA}, a node id of process
   * id, host and a random part, {@link #DEFAULT_RETENTION}, automatic purges, and migrating the
   * schema at {@code build()}.
   *
   * @param jdbi the database
   * @return a builder
   */
  public static Builder builder(Jdbi jdbi) {
    return new Builder(jdbi);
  }

  /**
   * Claims one slot by inserting its row.
   *
   * @param scheduleName the schedule, 1-{@value Schedule#MAX_NAME_LENGTH} characters
   * @param scheduledTime the slot
   * @return true if this call inserted the row; false if the slot was claimed before (by any
   *     node), or is older than the retention before the schedule's latest claim
   * @throws InvalidInputException naming {@code scheduleName} or {@code scheduledTime}
   * @throws BatchException if PostgreSQL cannot be reached or fails, so whether the slot is
   *     claimed is unknown
   */
  @Override
  public boolean tryClaim(String scheduleName, Instant scheduledTime) {
    checkName(scheduleName);
    checkTime("scheduledTime", scheduledTime);
    ensureOpen();
    Instant horizon = scheduledTime.plus(retention);
    int rows = Sql.call("claim slot " + scheduledTime + " of schedule " + scheduleName,
        () -> jdbi.withHandle(h -> h.createUpdate(claim)
            .bind("name", scheduleName)
            .bind("time", Sql.time(scheduledTime))
            .bind("node", nodeId)
            .bind("horizon", Sql.time(horizon.isAfter(LATEST) ? LATEST : horizon))
            .execute()));
    if (rows == 1 && autoPurge) {
      purgeIfDue();
    }
    return rows == 1;
  }

  /**
   * Returns the schedule's latest claimed slot, from any node.
   *
   * @param scheduleName the schedule
   * @return the latest claimed slot, or empty if none is remembered
   * @throws InvalidInputException naming {@code scheduleName}
   * @throws BatchException if PostgreSQL cannot be reached or fails
   */
  @Override
  public Optional<Instant> lastClaimed(String scheduleName) {
    checkName(scheduleName);
    ensureOpen();
    return Sql.call("read the last claimed slot of schedule " + scheduleName,
        () -> jdbi.withHandle(h -> h.createQuery(selectLast).bind("name", scheduleName)
            .mapTo(OffsetDateTime.class).findOne()))
        .map(OffsetDateTime::toInstant);
  }

  /**
   * Tells which node claimed a slot, while its row is kept.
   *
   * @param scheduleName the schedule
   * @param scheduledTime the slot
   * @return the node id of the claimant, or empty if the slot is not (or no longer) claimed
   * @throws InvalidInputException naming {@code scheduleName} or {@code scheduledTime}
   * @throws BatchException if PostgreSQL cannot be reached or fails
   */
  public Optional<String> claimedBy(String scheduleName, Instant scheduledTime) {
    checkName(scheduleName);
    checkTime("scheduledTime", scheduledTime);
    ensureOpen();
    return Sql.call("read the claim of slot " + scheduledTime + " of schedule " + scheduleName,
        () -> jdbi.withHandle(h -> h.createQuery(selectClaimant).bind("name", scheduleName)
            .bind("time", Sql.time(scheduledTime)).mapTo(String.class).findOne()));
  }

  /**
   * Deletes, for every schedule, the claims more than the retention older than its latest one.
   * The guard runs this itself now and then unless {@link Builder#autoPurge} is off.
   *
   * @return how many rows were deleted
   * @throws BatchException if PostgreSQL cannot be reached or fails
   */
  public int purgeExpired() {
    ensureOpen();
    long micros = retention.getSeconds() * 1_000_000L + retention.getNano() / 1_000;
    int n = Sql.call("purge expired schedule fires", () -> jdbi.withHandle(h ->
        h.createUpdate(deleteExpired).bind("retentionMicros", micros).execute()));
    if (n > 0) {
      LOG.debug("purged {} schedule fires older than {} before each schedule's latest in {}", n,
          retention, this);
    }
    return n;
  }

  /**
   * Deletes the claims of slots before a cutoff, except each schedule's latest claim (which
   * {@link #lastClaimed} reads). A slot whose row is deleted could be claimed again unless it is
   * older than the retention before its schedule's latest claim, so choose a cutoff earlier than
   * any slot a scheduler may still claim: now minus the longest grace period, misfire threshold
   * and clock skew.
   *
   * @param cutoff slots strictly before it are deleted
   * @return how many rows were deleted
   * @throws InvalidInputException naming {@code cutoff}
   * @throws BatchException if PostgreSQL cannot be reached or fails
   */
  public int purgeBefore(Instant cutoff) {
    checkTime("cutoff", cutoff);
    ensureOpen();
    return Sql.call("purge schedule fires before " + cutoff, () -> jdbi.withHandle(h ->
        h.createUpdate(deleteBefore).bind("cutoff", Sql.timeCeiling(cutoff)).execute()));
  }

  /**
   * Returns the id this guard writes into the rows it claims.
   *
   * @return the node id
   */
  public String nodeId() {
    return nodeId;
  }

  /**
   * Returns how long before a schedule's latest claim claims are kept.
   *
   * @return the retention
   */
  public Duration retention() {
    return retention;
  }

  @Override
  public String toString() {
    return "PostgresFireGuard[schema " + schema + ", node " + nodeId + ", retention " + retention
        + "]";
  }

  private void purgeIfDue() {
    long due = nextPurgeNanos.get();
    if (System.nanoTime() - due < 0
        || !nextPurgeNanos.compareAndSet(due, System.nanoTime() + PURGE_INTERVAL.toNanos())) {
      return;
    }
    try {
      purgeExpired();
    } catch (RuntimeException e) {
      LOG.warn("{}: purging expired schedule fires failed; retrying in {}: {}", this,
          PURGE_INTERVAL, e.toString());
    }
  }

  private static void checkName(String scheduleName) {
    if (scheduleName == null || scheduleName.isBlank()
        || scheduleName.length() > Schedule.MAX_NAME_LENGTH) {
      throw new InvalidInputException("scheduleName", scheduleName,
          "must be 1-" + Schedule.MAX_NAME_LENGTH + " characters, not blank");
    }
  }

  private static void checkTime(String field, Instant t) {
    if (t == null || t.isBefore(EARLIEST) || t.isAfter(LATEST)) {
      throw new InvalidInputException(field, t, "must be an instant in the years 1 to 9999");
    }
  }

  /** Builds a {@link PostgresFireGuard}. Not thread-safe. */
  public static final class Builder extends StoreBuilder<Builder> {
    private String nodeId = defaultNodeId();
    private Duration retention = DEFAULT_RETENTION;
    private boolean autoPurge = true;

    private Builder(Jdbi jdbi) {
      super(jdbi);
    }

    @Override
    Builder self() {
      return this;
    }

    /**
     * Sets the id written into the rows this guard claims, to see which node ran a slot.
     *
     * @param nodeId 1-{@value #MAX_NODE_ID_LENGTH} characters, not blank; default process id,
     *     host and a random part
     * @return this builder
     * @throws InvalidInputException naming {@code nodeId} if blank or too long
     */
    public Builder nodeId(String nodeId) {
      if (nodeId == null || nodeId.isBlank() || nodeId.length() > MAX_NODE_ID_LENGTH) {
        throw new InvalidInputException("nodeId", nodeId,
            "must be 1-" + MAX_NODE_ID_LENGTH + " characters, not blank");
      }
      this.nodeId = nodeId;
      return this;
    }

    /**
     * Sets how long before a schedule's latest claim claims are kept (and older slots refused).
     *
     * @param retention at least one second; default {@link #DEFAULT_RETENTION}
     * @return this builder
     * @throws InvalidInputException naming {@code retention} if shorter than a second
     */
    public Builder retention(Duration retention) {
      if (retention == null || retention.compareTo(Duration.ofSeconds(1)) < 0
          || retention.compareTo(Duration.ofDays(365_000)) > 0) {
        throw new InvalidInputException(
            "retention", retention, "must be between one second and 365000 days");
      }
      this.retention = retention;
      return this;
    }

    /**
     * Sets whether the guard runs {@link PostgresFireGuard#purgeExpired()} itself, at most once
     * per {@link #PURGE_INTERVAL}, after a successful claim.
     *
     * @param autoPurge default true; false when the host purges, e.g. from a maintenance job
     * @return this builder
     */
    public Builder autoPurge(boolean autoPurge) {
      this.autoPurge = autoPurge;
      return this;
    }

    /**
     * Builds the guard, migrating the schema first unless {@link #migrate(boolean)} is off.
     *
     * @return the guard
     * @throws BatchException if the migration fails
     */
    public PostgresFireGuard build() {
      return new PostgresFireGuard(this);
    }

    private static String defaultNodeId() {
      // RuntimeMXBean's name is "pid@host" on HotSpot.
      String jvm = ManagementFactory.getRuntimeMXBean().getName();
      String id = jvm + ":" + UUID.randomUUID().toString().substring(0, 8);
      return id.length() <= MAX_NODE_ID_LENGTH ? id : id.substring(0, MAX_NODE_ID_LENGTH);
    }
  }
}
