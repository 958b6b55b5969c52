package io.prism.batch.core.rag;

import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.data.DataTypes;
import io.prism.batch.api.rag.DataVersion;
import io.prism.batch.api.rag.Embedder;
import io.prism.batch.api.rag.VectorEntry;
import io.prism.batch.api.rag.VectorMapping;
import io.prism.batch.api.rag.VectorStore;
import io.prism.batch.api.rag.VersionStatus;
import io.prism.batch.api.rag.VersionStore;
import io.prism.batch.core.rag.ChunkVectors.MappedChunk;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds and repairs drift between the vector store and the version ledger, so that neither can
 * silently diverge from the other.
 *
 * <p>For each collection (the configured data types' and every collection an active version
 * maps to) it lists the stored vector ids and compares them with the mappings of the ledger's
 * {@code ACTIVE} versions:
 * <ul>
 *   <li><b>missing</b> — mapped but not stored (deleted behind the ledger's back, lost with an
 *       unflushed file): {@link #repair()} re-embeds the mapping's chunk text and upserts it with
 *       the same id and metadata. A version built with another embedding model than the
 *       reconciler's is not re-embedded (that would mix vector spaces) and is counted
 *       <em>unrepairable</em>: sync the record again.
 *   <li><b>orphaned</b> — stored but not mapped by an active version nor by a pending version a
 *       sync is still writing (deprecated, failed or archived versions' vectors, leftovers of a
 *       failed cleanup, foreign ids): {@link #repair()} deletes them.
 *   <li><b>mismatched</b> (with {@link Builder#verifyText}) — stored with a text or version that
 *       differs from the mapping: re-embedded and upserted.
 * </ul>
 * Pending versions older than {@link Builder#abandonPendingAfter} (default 1 hour) are taken as
 * left by a crash nobody resumed: a repair marks them failed, and their vectors become orphans.
 *
 * <p>Safe to run during syncs: statuses are read again after the store is listed, so vectors of
 * a version that became active or pending meanwhile are kept, and a missing vector is restored
 * only if its version is still active. {@link #check()} changes nothing except creating missing
 * collections.
 *
 * <p>Immutable and thread-safe.
 *
 * <pre>{@code
 * Reconciler reconciler = Reconciler.builder()
 *     .vectorStore(vectors).versionStore(ledger).embedder(embedder).build();
 * ReconcileReport r = reconciler.repair();
 * log.info("missing {}, orphaned {}, repaired {}", r.missing(), r.orphaned(), r.repaired());
 * }</pre>
 */
public final class Reconciler {

  /** Default age after which a pending version counts as abandoned. */
  public static final Duration DEFAULT_ABANDON_PENDING_AFTER = Duration.ofHours(1);

  private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);
  private static final int PAGE = 500;

  private final VectorStore vectors;
  private final VersionStore versions;
  private final Embedder embedder;
  private final CollectionNames collections;
  private final List<String> dataTypes;
  private final Clock clock;
  private final Duration abandonAfter;
  private final boolean verifyText;
  private final int embedBatchSize;

  private Reconciler(Builder b) {
    this.vectors = b.vectors;
    this.versions = b.versions;
    this.embedder = b.embedder;
    this.collections = b.collections;
    this.dataTypes = List.copyOf(b.dataTypes);
    this.clock = b.clock;
    this.abandonAfter = b.abandonAfter;
    this.verifyText = b.verifyText;
    this.embedBatchSize = b.embedBatchSize;
  }

  /**
   * Starts a builder.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Compares the store with the ledger without repairing anything.
   *
   * @return the findings
   */
  public ReconcileReport check() {
    return run(false);
  }

  /**
   * Compares the store with the ledger and repairs what differs.
   *
   * @return the findings and repairs
   * @throws InvalidInputException naming {@code embedder} if none was configured
   */
  public ReconcileReport repair() {
    if (embedder == null) {
      throw new InvalidInputException("embedder", null, "must be set to repair");
    }
    return run(true);
  }

  /**
   * Archives the versions deprecated before a cutoff ({@link
   * VersionStore#archiveDeprecatedBefore}) and deletes any vectors they still have.
   *
   * @param cutoff the cutoff, e.g. now minus the retention
   * @return the archived versions
   */
  public List<DataVersion> archiveDeprecatedBefore(Instant cutoff) {
    Objects.requireNonNull(cutoff, "cutoff");
    List<DataVersion> archived = versions.archiveDeprecatedBefore(cutoff);
    Map<String, List<String>> byCollection = new TreeMap<>();
    for (DataVersion v : archived) {
      byCollection.computeIfAbsent(collections.forKey(v.key()), c -> new ArrayList<>())
          .add(v.versionId());
    }
    for (Map.Entry<String, List<String>> e : byCollection.entrySet()) {
      List<String> ids = vectors.ids(e.getKey(),
          Map.of(RagSyncProcessor.META_VERSION_ID, e.getValue()));
      if (!ids.isEmpty()) {
        vectors.delete(e.getKey(), ids);
      }
    }
    return archived;
  }

  private ReconcileReport run(boolean apply) {
    Instant now = clock.instant();
    Instant staleBefore = now.minus(abandonAfter);
    Set<String> stalePending = new HashSet<>();
    for (DataVersion v : versions.byStatus(VersionStatus.PENDING)) {
      if (v.createdAt().isBefore(staleBefore)) {
        stalePending.add(v.versionId());
        if (apply) {
          try {
            versions.markFailed(v.versionId(), "abandoned by the reconciler: pending since "
                + v.createdAt());
          } catch (InvalidInputException e) {
            stalePending.remove(v.versionId()); // activated or failed meanwhile
          }
        }
      }
    }

    // expected: what the active versions map, by collection and vector id
    Map<String, Map<String, MappedChunk>> expected = new TreeMap<>();
    Set<String> activeAtStart = new HashSet<>();
    for (DataVersion v : versions.byStatus(VersionStatus.ACTIVE)) {
      activeAtStart.add(v.versionId());
      for (VectorMapping m : versions.mappings(v.versionId())) {
        expected.computeIfAbsent(m.collection(), c -> new LinkedHashMap<>())
            .put(m.vectorId(), new MappedChunk(v, m));
      }
    }
    Set<String> names = new TreeSet<>(expected.keySet());
    for (String t : dataTypes) {
      names.add(collections.forType(t));
    }

    List<ReconcileReport.CollectionReport> reports = new ArrayList<>();
    for (String c : names) {
      reports.add(collection(c, expected.getOrDefault(c, Map.of()), activeAtStart,
          stalePending, apply));
    }
    ReconcileReport report = new ReconcileReport(now, apply, stalePending.size(), reports);
    if (!report.consistent() || report.abandonedPending() > 0) {
      LOG.info("RAG reconciliation ({}): missing {}, orphaned {}, mismatched {}, repaired {}, "
              + "removed {}, abandoned pending {}", apply ? "repair" : "check", report.missing(),
          report.orphaned(), report.mismatched(), report.repaired(), report.removed(),
          report.abandonedPending());
    }
    return report;
  }

  private ReconcileReport.CollectionReport collection(String c, Map<String, MappedChunk> expected,
      Set<String> activeAtStart, Set<String> stalePending, boolean apply) {
    vectors.ensureCollection(c);
    Set<String> stored = new LinkedHashSet<>(vectors.ids(c, Map.of()));

    List<String> missing = new ArrayList<>();
    for (String id : expected.keySet()) {
      if (!stored.contains(id)) {
        missing.add(id);
      }
    }
    List<String> extra = new ArrayList<>();
    for (String id : stored) {
      if (!expected.containsKey(id)) {
        extra.add(id);
      }
    }

    // orphans: read the extras' version ids, then the statuses as they are now
    Map<String, String> versionOf = new HashMap<>();
    for (List<String> page : pages(extra)) {
      for (VectorEntry e : vectors.get(c, page)) {
        versionOf.put(e.id(), ChunkVectors.versionId(e.metadata()));
      }
    }
    Set<String> pendingNow = new HashSet<>();
    for (DataVersion v : versions.byStatus(VersionStatus.PENDING)) {
      if (!stalePending.contains(v.versionId())) {
        pendingNow.add(v.versionId());
      }
    }
    Set<String> activeNow = versions.activeAmong(new HashSet<>(versionOf.values()));
    List<String> orphans = new ArrayList<>();
    for (String id : extra) {
      String v = versionOf.get(id);
      if (v == null) {
        continue; // deleted since it was listed
      }
      boolean newlyActive = activeNow.contains(v) && !activeAtStart.contains(v);
      if (!newlyActive && !pendingNow.contains(v)) {
        orphans.add(id);
      }
    }

    List<String> mismatched = new ArrayList<>();
    if (verifyText) {
      List<String> present = expected.keySet().stream().filter(stored::contains).toList();
      for (List<String> page : pages(present)) {
        for (VectorEntry e : vectors.get(c, page)) {
          MappedChunk x = expected.get(e.id());
          Object v = e.metadata().get(RagSyncProcessor.META_VERSION_ID);
          if (!e.text().equals(x.mapping().chunkText())
              || !x.version().versionId().equals(v == null ? null : v.toString())) {
            mismatched.add(e.id());
          }
        }
      }
    }

    int repaired = 0;
    int removed = 0;
    int unrepairable = 0;
    List<String> toWrite = new ArrayList<>(missing);
    toWrite.addAll(mismatched);
    if (apply && !toWrite.isEmpty()) {
      Set<String> stillActive = versions.activeAmong(
          toWrite.stream().map(id -> expected.get(id).version().versionId()).toList());
      List<MappedChunk> redo = new ArrayList<>();
      for (String id : toWrite) {
        MappedChunk x = expected.get(id);
        if (!stillActive.contains(x.version().versionId())) {
          continue;
        }
        if (!x.version().embeddingModel().equals(embedder.modelId())) {
          unrepairable++;
          continue;
        }
        redo.add(x);
      }
      repaired += ChunkVectors.reembed(embedder, embedBatchSize, redo,
          entries -> vectors.upsert(c, entries));
    } else if (!apply) {
      for (String id : toWrite) {
        if (embedder != null
            && !expected.get(id).version().embeddingModel().equals(embedder.modelId())) {
          unrepairable++;
        }
      }
    }
    if (apply && !orphans.isEmpty()) {
      for (List<String> page : pages(orphans)) {
        vectors.delete(c, page);
        removed += page.size();
      }
    }
    return new ReconcileReport.CollectionReport(c, stored.size(), expected.size(),
        missing.size(), orphans.size(), mismatched.size(), repaired, removed, unrepairable);
  }

  private static List<List<String>> pages(List<String> ids) {
    List<List<String>> out = new ArrayList<>();
    for (int i = 0; i < ids.size(); i += PAGE) {
      out.add(ids.subList(i, Math.min(ids.size(), i + PAGE)));
    }
    return out;
  }

  /** Builds a {@link Reconciler}. Not thread-safe. */
  public static final class Builder {
    private VectorStore vectors;
    private VersionStore versions;
    private Embedder embedder;
    private CollectionNames collections = CollectionNames.defaults();
    private Collection<String> dataTypes = DataTypes.defaults().names();
    private Clock clock = Clock.systemUTC();
    private Duration abandonAfter = DEFAULT_ABANDON_PENDING_AFTER;
    private boolean verifyText;
    private int embedBatchSize = RagSyncProcessor.MAX_EMBED_BATCH_SIZE;

    private Builder() {}

    /**
     * Sets the vector store (required).
     *
     * @param vectors the store
     * @return this builder
     */
    public Builder vectorStore(VectorStore vectors) {
      this.vectors = required("vectorStore", vectors);
      return this;
    }

    /**
     * Sets the version ledger (required).
     *
     * @param versions the ledger
     * @return this builder
     */
    public Builder versionStore(VersionStore versions) {
      this.versions = required("versionStore", versions);
      return this;
    }

    /**
     * Sets the embedder that re-embeds missing vectors (required for {@link #repair()}); it
     * should be the one the sync uses.
     *
     * @param embedder the embedder
     * @return this builder
     */
    public Builder embedder(Embedder embedder) {
      this.embedder = required("embedder", embedder);
      return this;
    }

    /**
     * Sets the collection naming; must match the sync's.
     *
     * @param collections the naming
     * @return this builder
     */
    public Builder collections(CollectionNames collections) {
      this.collections = required("collections", collections);
      return this;
    }

    /**
     * Sets the data types whose collections are always looked at (for orphans), besides those
     * the ledger maps to.
     *
     * @param types type names; default the six of {@link DataTypes#defaults()}
     * @return this builder
     */
    public Builder dataTypes(Collection<String> types) {
      required("dataTypes", types);
      for (String t : types) {
        collections.forType(t);
      }
      this.dataTypes = List.copyOf(types);
      return this;
    }

    /**
     * Sets the clock that ages pending versions.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = required("clock", clock);
      return this;
    }

    /**
     * Sets the age after which a pending version is taken as abandoned.
     *
     * @param age positive; default 1 hour
     * @return this builder
     */
    public Builder abandonPendingAfter(Duration age) {
      if (age == null || age.isNegative() || age.isZero()) {
        throw new InvalidInputException("abandonPendingAfter", age, "must be positive");
      }
      this.abandonAfter = age;
      return this;
    }

    /**
     * Sets whether stored vectors are read back and their text and version compared with the
     * ledger (reads every vector; default false).
     *
     * @param verify the flag
     * @return this builder
     */
    public Builder verifyText(boolean verify) {
      this.verifyText = verify;
      return this;
    }

    /**
     * Sets the most texts per embedding call.
     *
     * @param size 1 to 2048 (the default)
     * @return this builder
     */
    public Builder embedBatchSize(int size) {
      if (size < 1 || size > RagSyncProcessor.MAX_EMBED_BATCH_SIZE) {
        throw new InvalidInputException("embedBatchSize", size,
            "must be between 1 and " + RagSyncProcessor.MAX_EMBED_BATCH_SIZE);
      }
      this.embedBatchSize = size;
      return this;
    }

    /**
     * Builds the reconciler.
     *
     * @return the reconciler
     * @throws InvalidInputException naming the first required setting not given
     */
    public Reconciler build() {
      if (vectors == null) {
        throw new InvalidInputException("vectorStore", null, "must be set");
      }
      if (versions == null) {
        throw new InvalidInputException("versionStore", null, "must be set");
      }
      return new Reconciler(this);
    }

    private static <T> T required(String field, T value) {
      if (value == null) {
        throw new InvalidInputException(field, null, "must not be null");
      }
      return value;
    }
  }
}
