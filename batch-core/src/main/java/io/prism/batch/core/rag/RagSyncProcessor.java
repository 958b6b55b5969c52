package io.prism.batch.core.rag;

import com.fasterxml.jackson.databind.JsonNode;
import io.prism.batch.api.BatchException;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.PermanentTaskException;
import io.prism.batch.api.Processor;
import io.prism.batch.api.Task;
import io.prism.batch.api.TaskContext;
import io.prism.batch.api.data.DataKey;
import io.prism.batch.api.data.DataRecord;
import io.prism.batch.api.data.RecordStore;
import io.prism.batch.api.data.StockCode;
import io.prism.batch.api.rag.DataVersion;
import io.prism.batch.api.rag.Embedder;
import io.prism.batch.api.rag.VectorEntry;
import io.prism.batch.api.rag.VectorMapping;
import io.prism.batch.api.rag.VectorStore;
import io.prism.batch.api.rag.VersionStatus;
import io.prism.batch.api.rag.VersionStore;
import io.prism.batch.core.internal.CanonicalJson;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the vector index in sync with records: the {@value #TASK_TYPE} {@link Processor}.
 *
 * <p><b>Task payload.</b> {@code {"stockCode": "600519", "dataType": "financial"}}: the record is
 * read from the {@link Builder#recordStore RecordStore} when the task runs, so a task that waited
 * in the queue syncs the newest data and tasks of one key can share a dedupe key ({@link
 * #task(DataKey)}). A host without a record store can put the payload in the task: {@code
 * {"stockCode": …, "dataType": …, "record": {…payload…}}} ({@link #task(DataRecord)}; its dedupe
 * key includes the content hash, so two different contents are never merged).
 *
 * <p><b>One sync</b> writes new, then flips, then cleans:
 * <ol>
 *   <li>render the record ({@link DocumentRenderer}, from the canonical payload without volatile
 *       fields) and compute the version hash ({@link ContentHasher}: record + model + chunker +
 *       text);
 *   <li>if the key's active version has that hash, stop: no embedding, no write;
 *   <li>else {@link VersionStore#createPending createPending} (or resume a pending version of the
 *       same hash that a crash left behind), chunk, embed the chunks (calls of at most {@link
 *       Builder#embedBatchSize 2048} texts), upsert them into the type's collection ({@link
 *       CollectionNames}, e.g. {@code prism_financial}) with metadata {@code stock_code, data_type,
 *       version_id, chunk_index}, {@link VersionStore#addMappings addMappings}, {@link
 *       VersionStore#activate activate} (the old version becomes deprecated in the same
 *       transaction), and only then delete the old version's vectors.
 * </ol>
 * A failure at any step before activation marks the new version {@code FAILED}, deletes what it
 * upserted, and leaves the old version active with all its vectors, so queries keep answering
 * from it. A failure after activation (deleting the superseded vectors) is reported in the
 * result and left to the {@link Reconciler}; queries never see those vectors because they filter
 * by active version.
 *
 * <p><b>Crash recovery.</b> A crash between upsert and activation leaves a {@code PENDING}
 * version and its vectors. The next sync of the key resumes it when the content is the same
 * (same hash): vectors already stored with the right text are kept, only missing ones are
 * embedded. A pending version of a different hash is abandoned: marked failed and its vectors
 * deleted. Vector ids are {@code <code>:<type>:<versionId>:<chunkIndex>}, deterministic per
 * version, so a resumed version overwrites rather than duplicates, and two versions never share
 * a vector. (A pending version nobody resumes, e.g. because the record went back to the active
 * content, is abandoned by the {@link Reconciler} after an hour.)
 *
 * <p><b>Rollback.</b> {@link #rollback(DataKey)} restores the newest deprecated version: its
 * vectors (deleted when it was superseded) are re-embedded from the ledger's chunk texts before
 * the flip, so queries never see the key without vectors.
 *
 * <p><b>Batch form.</b> {@link #processBatch} syncs up to {@link Builder#batchSize} records with
 * one embedding call per 2,048 texts across all of them and one upsert per collection. If
 * embedding fails, every new version of the group is marked failed and the call throws, so the
 * engine retries the tasks one by one; if a later step fails for some records, the others still
 * complete, and the call throws so that the engine retries just those (the completed ones are
 * then unchanged and skipped).
 *
 * <p>Thread-safe: syncs of one key are serialised by a lock inside this processor (several JVMs
 * are kept consistent by the version store's atomic activation).
 *
 * <pre>{@code
 * RagSyncProcessor sync = RagSyncProcessor.builder()
 *     .embedder(embedder).vectorStore(vectors).versionStore(ledger).recordStore(l2)
 *     .build();
 * BatchEngine engine = BatchEngine.builder().processor(sync).build();
 * engine.run(changedKeys.stream().map(RagSyncProcessor::task).toList());
 * }</pre>
 */
public final class RagSyncProcessor implements Processor {

  /** The task type, {@value}. */
  public static final String TASK_TYPE = "rag_sync";
  /** Default records per {@link #processBatch} call, {@value}. */
  public static final int DEFAULT_BATCH_SIZE = 32;
  /** Default and largest number of texts per embedding call, {@value}. */
  public static final int MAX_EMBED_BATCH_SIZE = 2048;
  /** Vector metadata: the stock code. */
  public static final String META_STOCK_CODE = "stock_code";
  /** Vector metadata: the data type. */
  public static final String META_DATA_TYPE = "data_type";
  /** Vector metadata: the version id. */
  public static final String META_VERSION_ID = "version_id";
  /** Vector metadata: the chunk index. */
  public static final String META_CHUNK_INDEX = "chunk_index";

  private static final Logger LOG = LoggerFactory.getLogger(RagSyncProcessor.class);
  private static final int STRIPES = 64;

  private final Embedder embedder;
  private final VectorStore vectors;
  private final VersionStore versions;
  private final RecordStore records;
  private final DocumentRenderer renderer;
  private final Chunker chunker;
  private final ContentHasher hasher;
  private final CollectionNames collections;
  private final int batchSize;
  private final int embedBatchSize;
  private final Set<String> resources;
  private final ReentrantLock[] locks = new ReentrantLock[STRIPES];
  private final Set<String> ensured = ConcurrentHashMap.newKeySet();

  private RagSyncProcessor(Builder b) {
    this.embedder = b.embedder;
    this.vectors = b.vectors;
    this.versions = b.versions;
    this.records = b.records;
    this.renderer = b.renderer;
    this.chunker = b.chunker;
    this.hasher = b.hasher;
    this.collections = b.collections;
    this.batchSize = b.batchSize;
    this.embedBatchSize = b.embedBatchSize;
    this.resources = Set.copyOf(b.resources);
    for (int i = 0; i < STRIPES; i++) {
      locks[i] = new ReentrantLock();
    }
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
   * Makes a task that syncs a key from the record store; dedupe key {@code rag_sync:CODE:TYPE}.
   *
   * @param key the key
   * @return the task
   */
  public static Task task(DataKey key) {
    Objects.requireNonNull(key, "key");
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("stockCode", key.stockCode());
    p.put("dataType", key.dataType());
    return Task.builder(TASK_TYPE).dedupeKey(TASK_TYPE + ":" + key).payload(CanonicalJson.write(p))
        .build();
  }

  /**
   * Makes a task that carries the record's payload; dedupe key {@code
   * rag_sync:CODE:TYPE:CONTENTHASH}.
   *
   * @param record the record
   * @return the task
   */
  public static Task task(DataRecord record) {
    Objects.requireNonNull(record, "record");
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("stockCode", record.key().stockCode());
    p.put("dataType", record.key().dataType());
    p.put("record", CanonicalJson.parse("payload", record.payload()));
    return Task.builder(TASK_TYPE)
        .dedupeKey(TASK_TYPE + ":" + record.key() + ":" + record.contentHash())
        .payload(CanonicalJson.write(p)).build();
  }

  /**
   * Returns the id of a chunk's vector.
   *
   * @param key the record's key
   * @param versionId the version
   * @param chunkIndex the chunk
   * @return {@code <code>:<type>:<versionId>:<chunkIndex>}
   */
  public static String vectorId(DataKey key, String versionId, int chunkIndex) {
    return key.stockCode() + ":" + key.dataType() + ":" + versionId + ":" + chunkIndex;
  }

  @Override
  public String taskType() {
    return TASK_TYPE;
  }

  @Override
  public int batchSize() {
    return batchSize;
  }

  @Override
  public Set<String> resources() {
    return resources;
  }

  @Override
  public String process(Task task, TaskContext context) {
    return sync(target(task)).toJson();
  }

  @Override
  public List<String> processBatch(List<Task> tasks, TaskContext context) {
    List<Target> targets = new ArrayList<>(tasks.size());
    for (Task t : tasks) {
      targets.add(target(t));
    }
    List<String> out = new ArrayList<>();
    for (SyncResult r : syncTargets(targets)) {
      out.add(r.toJson());
    }
    return out;
  }

  /**
   * Skips a task whose record is already active with the same version hash.
   *
   * @param task the task
   * @return true if nothing would change
   */
  @Override
  public boolean isDone(Task task) {
    Target t = target(task);
    Lock l = lock(List.of(t.key));
    try {
      Prepared p = prepare(t);
      return p.unchanged();
    } finally {
      l.unlock();
    }
  }

  /**
   * Syncs a key from the record store now, in the caller's thread.
   *
   * @param key the key
   * @return what was done
   * @throws PermanentTaskException if there is no record store or no record for the key
   */
  public SyncResult sync(DataKey key) {
    return sync(fromStore(Objects.requireNonNull(key, "key")));
  }

  /**
   * Syncs a record now, in the caller's thread.
   *
   * @param record the record
   * @return what was done
   */
  public SyncResult sync(DataRecord record) {
    Objects.requireNonNull(record, "record");
    return sync(new Target(record.key(), record.payload()));
  }

  /**
   * Syncs several records now, with the batch form's shared embedding calls.
   *
   * @param records the records, at most one per key
   * @return one result per record, in order
   * @throws BatchException if some failed; the others are complete
   */
  public List<SyncResult> syncAll(Collection<DataRecord> records) {
    List<Target> targets = new ArrayList<>();
    for (DataRecord r : records) {
      targets.add(new Target(r.key(), r.payload()));
    }
    return syncTargets(targets);
  }

  private SyncResult sync(Target t) {
    return syncTargets(List.of(t)).get(0);
  }

  /**
   * Makes the key's newest deprecated version active again, vectors first: its chunks (kept in
   * the ledger's mappings) are re-embedded where the store no longer has them and upserted, then
   * the version is activated (the current one deprecated in the same transaction), then the
   * current version's vectors are deleted. Queries see the current version until the flip and
   * the restored one after it.
   *
   * @param key the key
   * @return what was done, or empty if the key has no deprecated version
   * @throws InvalidInputException if that version was embedded with another model
   */
  public Optional<SyncResult> rollback(DataKey key) {
    Objects.requireNonNull(key, "key");
    Lock l = lock(List.of(key));
    try {
      Optional<DataVersion> target = Optional.empty();
      for (DataVersion v : versions.history(key)) {
        if (v.status() == VersionStatus.DEPRECATED && (target.isEmpty()
            || v.deprecatedAt().orElse(java.time.Instant.MIN)
                .isAfter(target.get().deprecatedAt().orElse(java.time.Instant.MIN)))) {
          target = Optional.of(v);
        }
      }
      if (target.isEmpty()) {
        return Optional.empty();
      }
      DataVersion t = target.get();
      if (!t.embeddingModel().equals(embedder.modelId())) {
        throw new InvalidInputException("versionId", t.versionId(), "was embedded with model "
            + t.embeddingModel() + "; this processor embeds with " + embedder.modelId()
            + ", so sync the record again instead");
      }
      List<VectorMapping> mappings = versions.mappings(t.versionId());
      Map<String, List<VectorMapping>> byCollection = new LinkedHashMap<>();
      for (VectorMapping m : mappings) {
        byCollection.computeIfAbsent(m.collection(), c -> new ArrayList<>()).add(m);
      }
      int embedded = 0;
      for (Map.Entry<String, List<VectorMapping>> e : byCollection.entrySet()) {
        String collection = e.getKey();
        Set<String> present = new HashSet<>();
        for (VectorEntry v : vectors.get(collection,
            e.getValue().stream().map(VectorMapping::vectorId).toList())) {
          present.add(v.id());
        }
        List<ChunkVectors.MappedChunk> missing = e.getValue().stream()
            .filter(m -> !present.contains(m.vectorId()))
            .map(m -> new ChunkVectors.MappedChunk(t, m)).toList();
        embedded += ChunkVectors.reembed(embedder, embedBatchSize, missing, entries -> {
          ensure(collection);
          vectors.upsert(collection, entries);
        });
      }
      Optional<DataVersion> current = versions.active(key);
      DataVersion activated = versions.activate(t.versionId());
      Optional<String> previous = current.map(DataVersion::versionId);
      Optional<String> cleanupError = Optional.empty();
      if (previous.isPresent()) {
        try {
          deleteVectors(previous.get(), collections.forKey(key));
        } catch (RuntimeException e) {
          cleanupError = Optional.of(e.toString());
        }
      }
      return Optional.of(new SyncResult(key, SyncResult.Status.SYNCED, activated.versionId(),
          mappings.size(), embedded, mappings.size() - embedded, previous, cleanupError));
    } finally {
      l.unlock();
    }
  }

  // ------------------------------------------------------------------ the pipeline

  private List<SyncResult> syncTargets(List<Target> targets) {
    Set<DataKey> distinct = new HashSet<>();
    for (Target t : targets) {
      if (!distinct.add(t.key)) {
        // the same key twice in one group: sync them one after the other, newest last
        List<SyncResult> out = new ArrayList<>();
        for (Target x : targets) {
          out.add(sync(x));
        }
        return out;
      }
    }
    Lock l = lock(distinct);
    try {
      return syncLocked(targets);
    } finally {
      l.unlock();
    }
  }

  private List<SyncResult> syncLocked(List<Target> targets) {
    List<Prepared> all = new ArrayList<>();
    for (Target t : targets) {
      all.add(prepare(t));
    }
    List<Prepared> changed = all.stream().filter(p -> !p.unchanged()).toList();
    Map<Prepared, SyncResult> results = new HashMap<>();
    List<Exception> failures = new ArrayList<>();
    List<Prepared> started = new ArrayList<>();
    for (Prepared p : changed) {
      try {
        begin(p);
        started.add(p);
      } catch (RuntimeException e) {
        failures.add(e);
      }
    }
    try {
      embed(started);
    } catch (RuntimeException e) {
      for (Prepared p : started) {
        fail(p, e);
      }
      throw e;
    }
    upsert(started, failures);
    for (Prepared p : started) {
      if (p.failed) {
        continue;
      }
      try {
        results.put(p, flip(p));
      } catch (RuntimeException e) {
        fail(p, e);
        failures.add(e);
      }
    }
    if (!failures.isEmpty()) {
      if (targets.size() == 1) {
        throw (RuntimeException) failures.get(0);
      }
      BatchException e = new BatchException(failures.size() + " of " + targets.size()
          + " RAG syncs failed; first: " + failures.get(0), failures.get(0));
      failures.stream().skip(1).forEach(e::addSuppressed);
      throw e;
    }
    List<SyncResult> out = new ArrayList<>();
    for (Prepared p : all) {
      out.add(p.unchanged() ? new SyncResult(p.key, SyncResult.Status.UNCHANGED,
          p.active.orElseThrow().versionId(), p.active.get().chunkCount(), 0, 0, Optional.empty(),
          Optional.empty()) : results.get(p));
    }
    return out;
  }

  /** Renders and hashes; reads the active version. No writes. */
  private Prepared prepare(Target t) {
    String canonical = hasher.canonical(t.payload);
    RenderedDocument doc = renderer.render(t.key, canonical);
    String hash = hasher.versionHashOfCanonical(t.key, canonical, embedder.modelId(),
        chunker.fingerprint(), doc.text());
    Optional<DataVersion> active = versions.active(t.key);
    return new Prepared(t, doc, hash, active, collections.forKey(t.key));
  }

  /** Creates (or resumes) the pending version, then chunks. */
  private void begin(Prepared p) {
    Optional<DataVersion> resumable = Optional.empty();
    for (DataVersion v : versions.history(p.key)) {
      if (v.status() != VersionStatus.PENDING) {
        continue;
      }
      if (resumable.isEmpty() && v.dataHash().equals(p.hash)
          && v.embeddingModel().equals(embedder.modelId())) {
        resumable = Optional.of(v);
      } else {
        abandon(p, v);
      }
    }
    if (resumable.isPresent()) {
      p.pending = resumable.get();
      p.resumed = true;
      LOG.info("resuming pending RAG version {} of {}", p.pending.versionId(), p.key);
    } else {
      p.pending = versions.createPending(p.key, p.hash, embedder.modelId(), p.target.payload);
    }
    try {
      p.chunks = chunker.chunk(p.doc);
      List<String> ids = new ArrayList<>();
      for (Chunk c : p.chunks) {
        ids.add(vectorId(p.key, p.pending.versionId(), c.index()));
      }
      p.ids = ids;
      p.vectors = new float[p.chunks.size()][];
      p.kept = new boolean[p.chunks.size()];
      if (p.resumed) {
        Map<String, VectorEntry> stored = new HashMap<>();
        for (VectorEntry e : vectors.get(p.collection, ids)) {
          stored.put(e.id(), e);
        }
        for (int i = 0; i < ids.size(); i++) {
          VectorEntry e = stored.get(ids.get(i));
          if (e != null && e.text().equals(p.chunks.get(i).text())
              && e.vector().length == embedder.dimension()
              && p.pending.versionId().equals(e.metadata().get(META_VERSION_ID))) {
            p.vectors[i] = e.vector();
            p.kept[i] = true;
            p.reused++;
          }
        }
      }
    } catch (RuntimeException e) {
      fail(p, e);
      throw e;
    }
  }

  /** Embeds every chunk without a vector, across records, in calls of at most the batch size. */
  private void embed(List<Prepared> started) {
    List<String> texts = new ArrayList<>();
    List<int[]> where = new ArrayList<>();
    for (int r = 0; r < started.size(); r++) {
      Prepared p = started.get(r);
      for (int i = 0; i < p.chunks.size(); i++) {
        if (p.vectors[i] == null) {
          texts.add(p.chunks.get(i).text());
          where.add(new int[] {r, i});
        }
      }
    }
    for (int from = 0; from < texts.size(); from += embedBatchSize) {
      List<String> slice = texts.subList(from, Math.min(texts.size(), from + embedBatchSize));
      List<float[]> out = ChunkVectors.embed(embedder, slice);
      for (int k = 0; k < out.size(); k++) {
        int[] w = where.get(from + k);
        Prepared p = started.get(w[0]);
        p.vectors[w[1]] = out.get(k);
        p.embedded++;
      }
    }
  }

  /** Upserts new vectors, one call per collection; on failure, per record. */
  private void upsert(List<Prepared> started, List<Exception> failures) {
    Map<String, List<Prepared>> byCollection = new LinkedHashMap<>();
    for (Prepared p : started) {
      byCollection.computeIfAbsent(p.collection, c -> new ArrayList<>()).add(p);
    }
    for (Map.Entry<String, List<Prepared>> e : byCollection.entrySet()) {
      List<VectorEntry> entries = new ArrayList<>();
      for (Prepared p : e.getValue()) {
        entries.addAll(p.newEntries());
      }
      try {
        ensure(e.getKey());
        if (!entries.isEmpty()) {
          vectors.upsert(e.getKey(), entries);
        }
      } catch (RuntimeException ex) {
        ensured.remove(e.getKey()); // re-created on the next try if it vanished
        if (e.getValue().size() == 1) {
          fail(e.getValue().get(0), ex);
          failures.add(ex);
          continue;
        }
        for (Prepared p : e.getValue()) {
          try {
            ensure(e.getKey());
            List<VectorEntry> own = p.newEntries();
            if (!own.isEmpty()) {
              vectors.upsert(e.getKey(), own);
            }
          } catch (RuntimeException one) {
            ensured.remove(e.getKey());
            fail(p, one);
            failures.add(one);
          }
        }
      }
    }
  }

  /** Records the mappings, activates, then deletes the superseded vectors. */
  private SyncResult flip(Prepared p) {
    List<VectorMapping> mappings = new ArrayList<>();
    for (int i = 0; i < p.chunks.size(); i++) {
      mappings.add(new VectorMapping(p.pending.versionId(), p.ids.get(i), p.collection, i,
          p.chunks.get(i).text()));
    }
    versions.addMappings(p.pending.versionId(), mappings);
    DataVersion activated = versions.activate(p.pending.versionId());
    Optional<String> previous = p.active.map(DataVersion::versionId)
        .filter(id -> !id.equals(activated.versionId()));
    Optional<String> cleanupError = Optional.empty();
    if (previous.isPresent()) {
      try {
        deleteVectors(previous.get(), p.collection);
      } catch (RuntimeException e) {
        LOG.warn("RAG sync of {}: version {} is active, but the vectors of superseded version "
            + "{} could not all be deleted (the reconciler will): {}", p.key,
            activated.versionId(), previous.get(), e.toString());
        cleanupError = Optional.of(e.toString());
      }
    }
    return new SyncResult(p.key, SyncResult.Status.SYNCED, activated.versionId(),
        p.chunks.size(), p.embedded, p.reused, previous, cleanupError);
  }

  /** Marks a new version failed and removes what it upserted; never throws. */
  private void fail(Prepared p, Exception cause) {
    p.failed = true;
    if (p.pending == null) {
      return;
    }
    String id = p.pending.versionId();
    try {
      versions.markFailed(id, describe(cause));
    } catch (RuntimeException e) {
      cause.addSuppressed(e);
      LOG.warn("RAG sync of {}: could not mark version {} failed: {}", p.key, id, e.toString());
      return;
    }
    try {
      deleteVectors(id, p.collection);
    } catch (RuntimeException e) {
      cause.addSuppressed(e);
      LOG.warn("RAG sync of {}: could not delete the vectors of failed version {} (the "
          + "reconciler will): {}", p.key, id, e.toString());
    }
    LOG.warn("RAG sync of {} failed; version {} marked failed, {} stays active: {}", p.key, id,
        p.active.map(DataVersion::versionId).orElse("no version"), describe(cause));
  }

  /** Abandons a pending version left by an interrupted sync of other content. */
  private void abandon(Prepared p, DataVersion v) {
    LOG.info("abandoning pending RAG version {} of {}: a sync of newer content started",
        v.versionId(), p.key);
    versions.markFailed(v.versionId(), "abandoned: a later sync of " + p.key
        + " started with other content");
    deleteVectors(v.versionId(), p.collection);
  }

  private void deleteVectors(String versionId, String collection) {
    Map<String, Set<String>> ids = new LinkedHashMap<>();
    for (VectorMapping m : versions.mappings(versionId)) {
      ids.computeIfAbsent(m.collection(), c -> new LinkedHashSet<>()).add(m.vectorId());
    }
    ids.computeIfAbsent(collection, c -> new LinkedHashSet<>())
        .addAll(vectors.ids(collection, Map.of(META_VERSION_ID, versionId)));
    for (Map.Entry<String, Set<String>> e : ids.entrySet()) {
      if (!e.getValue().isEmpty()) {
        vectors.delete(e.getKey(), e.getValue());
      }
    }
  }

  private void ensure(String collection) {
    if (!ensured.contains(collection)) {
      vectors.ensureCollection(collection);
      ensured.add(collection);
    }
  }

  private static String describe(Exception e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }

  // ------------------------------------------------------------------ tasks and locks

  private Target target(Task task) {
    JsonNode p = CanonicalJson.parse("payload", task.payload());
    String code = p.path("stockCode").asText("");
    String type = p.path("dataType").asText("");
    DataKey key;
    try {
      key = new DataKey(StockCode.parse(code).code(), type);
    } catch (InvalidInputException e) {
      throw new InvalidInputException("payload", task.payload(),
          "must name stockCode and dataType, e.g. {\"stockCode\": \"600519\", "
              + "\"dataType\": \"financial\"} (" + e.getMessage() + ")");
    }
    JsonNode inline = p.path("record");
    if (inline.isMissingNode() || inline.isNull()) {
      return fromStore(key);
    }
    return new Target(key, inline.isTextual() ? inline.asText() : CanonicalJson.write(inline));
  }

  private Target fromStore(DataKey key) {
    if (records == null) {
      throw new InvalidInputException("payload", key.toString(),
          "names no record, and the processor has no record store; put the payload in "
              + "\"record\" or configure recordStore(...)");
    }
    DataRecord r = records.get(key).orElseThrow(() ->
        new PermanentTaskException("RAG sync: the record store has no record for " + key));
    return new Target(key, r.payload());
  }

  private Lock lock(Collection<DataKey> keys) {
    TreeSet<Integer> stripes = new TreeSet<>();
    for (DataKey k : keys) {
      stripes.add(Math.floorMod(k.hashCode(), STRIPES));
    }
    List<ReentrantLock> held = new ArrayList<>();
    for (int s : stripes) {
      locks[s].lock();
      held.add(locks[s]);
    }
    return () -> {
      for (int i = held.size() - 1; i >= 0; i--) {
        held.get(i).unlock();
      }
    };
  }

  @FunctionalInterface
  private interface Lock {
    void unlock();
  }

  private record Target(DataKey key, String payload) {}

  /** One record's sync in progress. Identity matters: instances are map keys. */
  private static final class Prepared {
    final Target target;
    final DataKey key;
    final RenderedDocument doc;
    final String hash;
    final Optional<DataVersion> active;
    final String collection;
    DataVersion pending;
    boolean resumed;
    boolean failed;
    List<Chunk> chunks;
    List<String> ids;
    float[][] vectors;
    boolean[] kept;
    int embedded;
    int reused;

    Prepared(Target target, RenderedDocument doc, String hash, Optional<DataVersion> active,
        String collection) {
      this.target = target;
      this.key = target.key;
      this.doc = doc;
      this.hash = hash;
      this.active = active;
      this.collection = collection;
    }

    boolean unchanged() {
      return active.isPresent() && active.get().dataHash().equals(hash);
    }

    /** The entries to upsert: all but those resumed from an earlier run. */
    List<VectorEntry> newEntries() {
      List<VectorEntry> out = new ArrayList<>();
      for (int i = 0; i < chunks.size(); i++) {
        if (!kept[i]) {
          out.add(new VectorEntry(ids.get(i), vectors[i], chunks.get(i).text(),
              ChunkVectors.metadata(key, pending.versionId(), i)));
        }
      }
      return out;
    }
  }

  /** Builds a {@link RagSyncProcessor}. Not thread-safe. */
  public static final class Builder {
    private Embedder embedder;
    private VectorStore vectors;
    private VersionStore versions;
    private RecordStore records;
    private DocumentRenderer renderer = MarketDocumentRenderer.create();
    private Chunker chunker = Chunker.defaults();
    private ContentHasher hasher = ContentHasher.defaults();
    private CollectionNames collections = CollectionNames.defaults();
    private int batchSize = DEFAULT_BATCH_SIZE;
    private int embedBatchSize = MAX_EMBED_BATCH_SIZE;
    private final Set<String> resources = new LinkedHashSet<>();

    private Builder() {}

    /**
     * Sets the embedder (required).
     *
     * @param embedder the embedder
     * @return this builder
     */
    public Builder embedder(Embedder embedder) {
      this.embedder = required("embedder", embedder);
      return this;
    }

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
     * Sets the record store that tasks naming only a key are read from.
     *
     * @param records the L2 store
     * @return this builder
     */
    public Builder recordStore(RecordStore records) {
      this.records = required("recordStore", records);
      return this;
    }

    /**
     * Sets the renderer.
     *
     * @param renderer the renderer; default {@link MarketDocumentRenderer#create()}
     * @return this builder
     */
    public Builder renderer(DocumentRenderer renderer) {
      this.renderer = required("renderer", renderer);
      return this;
    }

    /**
     * Sets the chunker; its settings are part of every version hash.
     *
     * @param chunker the chunker; default {@link Chunker#defaults()}
     * @return this builder
     */
    public Builder chunker(Chunker chunker) {
      this.chunker = required("chunker", chunker);
      return this;
    }

    /**
     * Sets the hasher, e.g. with more volatile fields.
     *
     * @param hasher the hasher; default {@link ContentHasher#defaults()}
     * @return this builder
     */
    public Builder hasher(ContentHasher hasher) {
      this.hasher = required("hasher", hasher);
      return this;
    }

    /**
     * Sets the collection naming.
     *
     * @param collections the naming; default {@code prism_<dataType>}
     * @return this builder
     */
    public Builder collections(CollectionNames collections) {
      this.collections = required("collections", collections);
      return this;
    }

    /**
     * Sets how many tasks the engine passes to {@link #processBatch} at once.
     *
     * @param size 1 (no batch form) to 1000; default {@value #DEFAULT_BATCH_SIZE}
     * @return this builder
     */
    public Builder batchSize(int size) {
      if (size < 1 || size > 1000) {
        throw new InvalidInputException("batchSize", size, "must be between 1 and 1000");
      }
      this.batchSize = size;
      return this;
    }

    /**
     * Sets the most texts per embedding call.
     *
     * @param size 1 to {@value #MAX_EMBED_BATCH_SIZE} (the default)
     * @return this builder
     */
    public Builder embedBatchSize(int size) {
      if (size < 1 || size > MAX_EMBED_BATCH_SIZE) {
        throw new InvalidInputException("embedBatchSize", size,
            "must be between 1 and " + MAX_EMBED_BATCH_SIZE);
      }
      this.embedBatchSize = size;
      return this;
    }

    /**
     * Names rate-limited resources (e.g. {@code "embedder"}) the engine takes a permit of
     * around every call.
     *
     * @param names resource names
     * @return this builder
     */
    public Builder resources(String... names) {
      for (String n : names) {
        if (n == null || n.isBlank()) {
          throw new InvalidInputException("resources", n, "must not be blank");
        }
        resources.add(n);
      }
      return this;
    }

    /**
     * Builds the processor.
     *
     * @return the processor
     * @throws InvalidInputException naming the first required setting not given
     */
    public RagSyncProcessor build() {
      if (embedder == null) {
        throw new InvalidInputException("embedder", null, "must be set");
      }
      if (vectors == null) {
        throw new InvalidInputException("vectorStore", null, "must be set");
      }
      if (versions == null) {
        throw new InvalidInputException("versionStore", null, "must be set");
      }
      return new RagSyncProcessor(this);
    }

    private static <T> T required(String field, T value) {
      if (value == null) {
        throw new InvalidInputException(field, null, "must not be null");
      }
      return value;
    }
  }
}
