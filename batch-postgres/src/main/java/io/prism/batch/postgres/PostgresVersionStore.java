package io.prism.batch.postgres;

import io.prism.batch.api.BatchException;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.data.DataKey;
import io.prism.batch.api.rag.DataVersion;
import io.prism.batch.api.rag.VectorMapping;
import io.prism.batch.api.rag.VersionStatus;
import io.prism.batch.api.rag.VersionStore;
import io.prism.batch.postgres.internal.Sql;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;

/**
 * The RAG version ledger on PostgreSQL: tables {@code rag_data_versions} and {@code
 * rag_vector_mappings} (migration V2).
 *
 * <p>{@link #activate} runs in one transaction: it takes a transaction-scoped advisory lock on
 * the key (so concurrent activations of one key queue up), deprecates the key's active version
 * and activates the new one; the partial unique index {@code uk_rag_versions_one_active}
 * guarantees at most one active version per key even against other writers. {@link #rollback},
 * {@link #addMappings} (replace the mappings and the chunk count) and {@link
 * #archiveDeprecatedBefore} (archive and drop the mappings) are one transaction each as well.
 *
 * <p>Times come from the configured {@link Clock} and are kept to the microsecond. {@code
 * sourceData} is stored as {@code jsonb}: it reads back as the same JSON document, with
 * PostgreSQL's spacing and key order. A vector (collection and id) belongs to one version only.
 * Version ids that are not UUIDs are simply never found.
 *
 * <p>Thread-safe.
 *
 * <pre>{@code
 * VersionStore ledger = PostgresVersionStore.builder(db.jdbi()).schema("prism").build();
 * }</pre>
 */
public final class PostgresVersionStore extends StoreSupport implements VersionStore {

  /** The provider name, {@value}. */
  public static final String NAME = "postgres";

  private static final String LOCK_NAMESPACE = "io.prism.batch.postgres.rag_versions";
  private static final String COLUMNS = "version_id::text AS version_id, stock_code, data_type,"
      + " data_hash, vector_status, embedding_model, chunk_count, source_data::text AS"
      + " source_data, created_at, activated_at, deprecated_at, error_message";
  private static final String UNIQUE_VIOLATION = "23505";

  private final Clock clock;
  private final String versions;
  private final String mappingsTable;

  private PostgresVersionStore(Builder b) {
    super(b);
    this.clock = b.clock;
    this.versions = sql("${schema}.rag_data_versions");
    this.mappingsTable = sql("${schema}.rag_vector_mappings");
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
  public DataVersion createPending(
      DataKey key, String dataHash, String embeddingModel, String sourceData) {
    Objects.requireNonNull(key, "key");
    requireText("dataHash", dataHash);
    requireText("embeddingModel", embeddingModel);
    if (sourceData == null || sourceData.isBlank()) {
      throw new InvalidInputException("sourceData", sourceData, "must be a JSON document");
    }
    ensureOpen();
    String id = UUID.randomUUID().toString();
    try {
      return jdbi.withHandle(h -> h.createQuery("INSERT INTO " + versions
              + " (version_id, stock_code, data_type, data_hash, vector_status, source_data,"
              + " embedding_model, created_at) VALUES (:id::uuid, :code, :type, :hash,"
              + " 'pending', :src::jsonb, :model, :at) RETURNING " + COLUMNS)
          .bind("id", id).bind("code", key.stockCode()).bind("type", key.dataType())
          .bind("hash", dataHash).bind("src", sourceData).bind("model", embeddingModel)
          .bind("at", Sql.time(clock.instant()))
          .map((rs, ctx) -> version(rs)).one());
    } catch (JdbiException e) {
      String state = Sql.sqlState(e).orElse("");
      if (state.equals(Sql.INVALID_TEXT_REPRESENTATION)
          || state.equals(Sql.UNTRANSLATABLE_CHARACTER)) {
        throw new InvalidInputException("sourceData", sourceData,
            "must be a JSON document (" + Sql.rootMessage(e) + ")");
      }
      throw new BatchException("PostgreSQL: cannot create a version of " + key + ": "
          + Sql.rootMessage(e), e);
    }
  }

  @Override
  public void addMappings(String versionId, List<VectorMapping> mappings) {
    Objects.requireNonNull(mappings, "mappings");
    ensureOpen();
    UUID id = requireUuid(versionId);
    Set<Integer> indexes = new HashSet<>();
    Set<String> vectors = new HashSet<>();
    for (VectorMapping m : mappings) {
      Objects.requireNonNull(m, "mappings contains null");
      if (!m.versionId().equals(versionId)) {
        throw new InvalidInputException("mapping.versionId", m.versionId(),
            "must be the version the mappings are added to, " + versionId);
      }
      if (m.chunkIndex() < 0 || !indexes.add(m.chunkIndex())) {
        throw new InvalidInputException("mapping.chunkIndex", m.chunkIndex(),
            "must be non-negative and unique within the version");
      }
      if (!vectors.add(m.collection() + '\u0000' + m.vectorId())) {
        throw new InvalidInputException("mapping.vectorId", m.vectorId(),
            "is mapped twice in collection " + m.collection());
      }
    }
    try {
      jdbi.useTransaction(h -> {
        VersionStatus status = lockedStatus(h, id).orElseThrow(() -> noSuchVersion(versionId));
        if (status != VersionStatus.PENDING) {
          throw new InvalidInputException("versionId", versionId, "is " + status
              + "; only a pending version's mappings can be recorded");
        }
        h.createUpdate("DELETE FROM " + mappingsTable + " WHERE version_id = :id")
            .bind("id", id).execute();
        if (!mappings.isEmpty()) {
          int n = mappings.size();
          String[] vectorIds = new String[n];
          String[] collections = new String[n];
          Integer[] chunkIndexes = new Integer[n];
          String[] texts = new String[n];
          for (int i = 0; i < n; i++) {
            VectorMapping m = mappings.get(i);
            vectorIds[i] = m.vectorId();
            collections[i] = m.collection();
            chunkIndexes[i] = m.chunkIndex();
            texts[i] = m.chunkText();
          }
          h.createUpdate("INSERT INTO " + mappingsTable
                  + " (version_id, vector_id, collection_name, chunk_index, chunk_text, created_at)"
                  + " SELECT :id, u.v, u.c, u.i, u.t, :at FROM unnest(:vectors::text[],"
                  + " :collections::text[], :indexes::int[], :texts::text[]) AS u(v, c, i, t)")
              .bind("id", id).bind("vectors", vectorIds).bind("collections", collections)
              .bind("indexes", chunkIndexes).bind("texts", texts)
              .bind("at", Sql.time(clock.instant())).execute();
        }
        h.createUpdate("UPDATE " + versions + " SET chunk_count = :n WHERE version_id = :id")
            .bind("n", mappings.size()).bind("id", id).execute();
      });
    } catch (JdbiException e) {
      if (Sql.sqlState(e).orElse("").equals(UNIQUE_VIOLATION)) {
        throw new InvalidInputException("mapping.vectorId", "one of " + mappings.size(),
            "is already mapped by another version (" + Sql.rootMessage(e) + ")");
      }
      throw new BatchException("PostgreSQL: cannot record the mappings of version " + versionId
          + ": " + Sql.rootMessage(e), e);
    }
  }

  @Override
  public DataVersion activate(String versionId) {
    ensureOpen();
    UUID id = requireUuid(versionId);
    return call("activate version " + versionId, () -> jdbi.inTransaction(h -> {
      DataKey key = keyOf(h, id).orElseThrow(() -> noSuchVersion(versionId));
      lockKey(h, key);
      return activateLocked(h, id, versionId, key);
    }));
  }

  @Override
  public void markFailed(String versionId, String error) {
    Objects.requireNonNull(error, "error");
    ensureOpen();
    UUID id = requireUuid(versionId);
    call("mark version " + versionId + " failed", () -> jdbi.inTransaction(h -> {
      int n = h.createUpdate("UPDATE " + versions + " SET vector_status = 'failed',"
              + " error_message = :e WHERE version_id = :id AND vector_status = 'pending'")
          .bind("e", error).bind("id", id).execute();
      if (n == 1) {
        return null;
      }
      VersionStatus status = lockedStatus(h, id).orElseThrow(() -> noSuchVersion(versionId));
      if (status != VersionStatus.FAILED) {
        throw new InvalidInputException("versionId", versionId,
            "is " + status + "; only a pending version can fail");
      }
      return null;
    }));
  }

  @Override
  public Optional<DataVersion> rollback(DataKey key) {
    Objects.requireNonNull(key, "key");
    ensureOpen();
    return call("roll back " + key, () -> jdbi.inTransaction(h -> {
      lockKey(h, key);
      Optional<String> target = h.createQuery("SELECT version_id::text FROM " + versions
              + " WHERE stock_code = :code AND data_type = :type AND vector_status = 'deprecated'"
              + " ORDER BY deprecated_at DESC NULLS LAST, id DESC LIMIT 1")
          .bind("code", key.stockCode()).bind("type", key.dataType())
          .mapTo(String.class).findOne();
      if (target.isEmpty()) {
        return Optional.<DataVersion>empty();
      }
      return Optional.of(activateLocked(h, UUID.fromString(target.get()), target.get(), key));
    }));
  }

  @Override
  public List<DataVersion> archiveDeprecatedBefore(Instant cutoff) {
    Objects.requireNonNull(cutoff, "cutoff");
    ensureOpen();
    return call("archive versions deprecated before " + cutoff, () -> jdbi.inTransaction(h -> {
      List<DataVersion> archived = h.createQuery("UPDATE " + versions
              + " SET vector_status = 'archived' WHERE vector_status = 'deprecated'"
              + " AND (deprecated_at IS NULL OR deprecated_at < :cutoff) RETURNING " + COLUMNS
              + ", id")
          .bind("cutoff", Sql.timeCeiling(cutoff))
          .map((rs, ctx) -> version(rs)).list();
      if (!archived.isEmpty()) {
        h.createUpdate("DELETE FROM " + mappingsTable + " WHERE version_id = ANY(:ids::uuid[])")
            .bind("ids", archived.stream().map(DataVersion::versionId).toArray(String[]::new))
            .execute();
      }
      List<DataVersion> sorted = new ArrayList<>(archived);
      sorted.sort(java.util.Comparator.comparing((DataVersion v) -> v.key().stockCode())
          .thenComparing(v -> v.key().dataType()).thenComparing(DataVersion::createdAt));
      return sorted;
    }));
  }

  @Override
  public Optional<DataVersion> get(String versionId) {
    ensureOpen();
    Optional<UUID> id = uuid(versionId);
    if (id.isEmpty()) {
      return Optional.empty();
    }
    return call("read version " + versionId, () -> jdbi.withHandle(h ->
        h.createQuery("SELECT " + COLUMNS + " FROM " + versions + " WHERE version_id = :id")
            .bind("id", id.get()).map((rs, ctx) -> version(rs)).findOne()));
  }

  @Override
  public Optional<DataVersion> active(DataKey key) {
    Objects.requireNonNull(key, "key");
    ensureOpen();
    return call("read the active version of " + key, () -> jdbi.withHandle(h ->
        h.createQuery("SELECT " + COLUMNS + " FROM " + versions + " WHERE stock_code = :code"
                + " AND data_type = :type AND vector_status = 'active'")
            .bind("code", key.stockCode()).bind("type", key.dataType())
            .map((rs, ctx) -> version(rs)).findOne()));
  }

  @Override
  public List<DataVersion> history(DataKey key) {
    Objects.requireNonNull(key, "key");
    ensureOpen();
    return call("read the versions of " + key, () -> jdbi.withHandle(h ->
        h.createQuery("SELECT " + COLUMNS + " FROM " + versions + " WHERE stock_code = :code"
                + " AND data_type = :type ORDER BY id DESC")
            .bind("code", key.stockCode()).bind("type", key.dataType())
            .map((rs, ctx) -> version(rs)).list()));
  }

  @Override
  public List<DataVersion> byStatus(VersionStatus status) {
    Objects.requireNonNull(status, "status");
    ensureOpen();
    return call("list " + status + " versions", () -> jdbi.withHandle(h ->
        h.createQuery("SELECT " + COLUMNS + " FROM " + versions
                + " WHERE vector_status = :s ORDER BY id")
            .bind("s", name(status)).map((rs, ctx) -> version(rs)).list()));
  }

  @Override
  public List<VectorMapping> mappings(String versionId) {
    ensureOpen();
    Optional<UUID> id = uuid(versionId);
    if (id.isEmpty()) {
      return List.of();
    }
    return call("read the mappings of version " + versionId, () -> jdbi.withHandle(h ->
        h.createQuery("SELECT vector_id, collection_name, chunk_index, chunk_text FROM "
                + mappingsTable + " WHERE version_id = :id ORDER BY chunk_index")
            .bind("id", id.get())
            .map((rs, ctx) -> new VectorMapping(versionId, rs.getString(1), rs.getString(2),
                rs.getInt(3), rs.getString(4)))
            .list()));
  }

  @Override
  public Set<String> activeAmong(Collection<String> versionIds) {
    Objects.requireNonNull(versionIds, "versionIds");
    ensureOpen();
    List<String> ids = new ArrayList<>();
    for (String v : new LinkedHashSet<>(versionIds)) {
      uuid(v).ifPresent(u -> ids.add(u.toString()));
    }
    if (ids.isEmpty()) {
      return Set.of();
    }
    Set<String> active = new HashSet<>(call("filter " + ids.size() + " version ids", () ->
        jdbi.withHandle(h -> h.createQuery("SELECT version_id::text FROM " + versions
                + " WHERE version_id = ANY(:ids::uuid[]) AND vector_status = 'active'")
            .bind("ids", ids.toArray(String[]::new)).mapTo(String.class).list())));
    Set<String> out = new LinkedHashSet<>();
    for (String v : versionIds) {
      if (v != null && uuid(v).map(u -> active.contains(u.toString())).orElse(false)) {
        out.add(v);
      }
    }
    return out;
  }

  // ------------------------------------------------------------------ internals

  private DataVersion activateLocked(Handle h, UUID id, String versionId, DataKey key) {
    VersionStatus status = lockedStatus(h, id).orElseThrow(() -> noSuchVersion(versionId));
    switch (status) {
      case ACTIVE:
        return h.createQuery("SELECT " + COLUMNS + " FROM " + versions + " WHERE version_id = :id")
            .bind("id", id).map((rs, ctx) -> version(rs)).one();
      case PENDING:
      case DEPRECATED:
        break;
      default:
        throw new InvalidInputException("versionId", versionId,
            "is " + status + "; only a pending or deprecated version can be activated");
    }
    OffsetDateTime now = Sql.time(clock.instant());
    h.createUpdate("UPDATE " + versions + " SET vector_status = 'deprecated', deprecated_at = :now"
            + " WHERE stock_code = :code AND data_type = :type AND vector_status = 'active'")
        .bind("now", now).bind("code", key.stockCode()).bind("type", key.dataType()).execute();
    return h.createQuery("UPDATE " + versions + " SET vector_status = 'active',"
            + " activated_at = :now, deprecated_at = NULL WHERE version_id = :id RETURNING "
            + COLUMNS)
        .bind("now", now).bind("id", id).map((rs, ctx) -> version(rs)).one();
  }

  /** Serialises the writers of one key until the transaction ends. */
  private void lockKey(Handle h, DataKey key) {
    h.createQuery("SELECT 1 FROM (SELECT pg_advisory_xact_lock(hashtext(:ns), hashtext(:key)))"
            + " l")
        .bind("ns", LOCK_NAMESPACE + ":" + schema).bind("key", key.toString())
        .mapTo(Integer.class).one();
  }

  private Optional<DataKey> keyOf(Handle h, UUID id) {
    return h.createQuery("SELECT stock_code, data_type FROM " + versions
            + " WHERE version_id = :id")
        .bind("id", id)
        .map((rs, ctx) -> new DataKey(rs.getString(1), rs.getString(2))).findOne();
  }

  private Optional<VersionStatus> lockedStatus(Handle h, UUID id) {
    return h.createQuery("SELECT vector_status FROM " + versions
            + " WHERE version_id = :id FOR UPDATE")
        .bind("id", id).map((rs, ctx) -> status(rs.getString(1))).findOne();
  }

  private static DataVersion version(ResultSet rs) throws SQLException {
    return new DataVersion(rs.getString("version_id"),
        new DataKey(rs.getString("stock_code"), rs.getString("data_type")),
        rs.getString("data_hash"), status(rs.getString("vector_status")),
        rs.getString("embedding_model"), rs.getInt("chunk_count"), rs.getString("source_data"),
        rs.getObject("created_at", OffsetDateTime.class).toInstant(),
        Sql.instant(rs.getObject("activated_at", OffsetDateTime.class)),
        Sql.instant(rs.getObject("deprecated_at", OffsetDateTime.class)),
        Optional.ofNullable(rs.getString("error_message")));
  }

  private static VersionStatus status(String s) {
    return VersionStatus.valueOf(s.toUpperCase(Locale.ROOT));
  }

  private static String name(VersionStatus s) {
    return s.name().toLowerCase(Locale.ROOT);
  }

  private static Optional<UUID> uuid(String s) {
    if (s == null || s.length() != 36) {
      return Optional.empty();
    }
    try {
      return Optional.of(UUID.fromString(s));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static UUID requireUuid(String versionId) {
    return uuid(versionId).orElseThrow(() -> noSuchVersion(versionId));
  }

  private static InvalidInputException noSuchVersion(String versionId) {
    return new InvalidInputException("versionId", versionId, "no such version");
  }

  private static void requireText(String field, String value) {
    if (value == null || value.isBlank()) {
      throw new InvalidInputException(field, value, "must not be blank");
    }
  }

  /** Like {@link Sql#call}, but lets {@link InvalidInputException}s through unwrapped. */
  private static <T> T call(String what, Supplier<T> body) {
    try {
      return body.get();
    } catch (JdbiException e) {
      throw new BatchException("PostgreSQL: cannot " + what + ": " + Sql.rootMessage(e), e);
    }
  }

  /** Builds a {@link PostgresVersionStore}. Not thread-safe. */
  public static final class Builder extends StoreBuilder<Builder> {
    private Clock clock = Clock.systemUTC();

    private Builder(Jdbi jdbi) {
      super(jdbi);
    }

    @Override
    Builder self() {
      return this;
    }

    /**
     * Sets the clock that stamps creation, activation and deprecation.
     *
     * @param clock the clock; default system UTC
     * @return this builder
     */
    public Builder clock(Clock clock) {
      if (clock == null) {
        throw new InvalidInputException("clock", null, "must not be null");
      }
      this.clock = clock;
      return this;
    }

    /**
     * Builds the store, first migrating the schema unless {@link #migrate(boolean)} turned that
     * off.
     *
     * @return the store
     * @throws BatchException if the database cannot be reached or migrated
     */
    public PostgresVersionStore build() {
      return new PostgresVersionStore(this);
    }
  }
}
