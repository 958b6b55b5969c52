package io.prism.batch.core.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prism.batch.api.BatchException;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.Processor;
import io.prism.batch.api.Task;
import io.prism.batch.api.TaskContext;
import io.prism.batch.api.data.DataKey;
import io.prism.batch.core.data.DataPath;
import io.prism.batch.core.data.WarmResult;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Runs {@value #TASK_TYPE} tasks: fills L2 and L1 for one (stock, data type) through {@link
 * DataPath#warm}. A task's payload is {@code {"stockCode":"600519","dataType":"financial"}}; make
 * tasks with {@link #task}.
 *
 * <p>The engine passes up to {@link #batchSize()} tasks at once to {@link #processBatch}, which
 * warms them in one {@code warm(keys)} call: one bulk L2 read, one bulk L2 upsert of what it
 * fetched, one bulk L1 write. If any key of the group fails, the group call throws and the
 * engine runs the group's tasks one by one through {@link #process}; there a failing key throws
 * its own error (the source's), so its error class decides the retries — a rate-limited key
 * backs off, a bad request fails at once. Keys that succeeded in the group are fresh in L2 by
 * then and cost no second source call.
 *
 * <p><b>Rate limits.</b> The read path takes a permit of the source's resource around every
 * source call it makes, from the {@link io.prism.batch.core.engine.RateLimiters} it was built
 * with (share that registry with the host's reads). {@link #resources()} is therefore empty: the
 * engine taking a permit around the whole call as well would count each call twice, and with a
 * concurrency limit of one would wait for ever on the permit it holds itself. A group of 50 keys
 * of which 45 are fresh in L2 takes 5 permits, not 50 and not 1.
 *
 * <p>Thread-safe. The processor keeps a {@linkplain #tally() tally} of what it did since it was
 * built; use one processor per job run to get per-run figures.
 *
 * <pre>{@code
 * BatchEngine engine = BatchEngine.builder()
 *     .processor(WarmProcessor.builder(dataPath).batchSize(50).build())
 *     .build();
 * engine.run(List.of(WarmProcessor.task(new DataKey("600519", "financial"), 5)));
 * }</pre>
 */
public final class WarmProcessor implements Processor {

  /** The task type, {@value}. */
  public static final String TASK_TYPE = "warm";
  /** The default group size of the batch form, {@value}. */
  public static final int DEFAULT_BATCH_SIZE = 50;
  /** The largest group size accepted, {@value}. */
  public static final int MAX_BATCH_SIZE = 1_000;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final DataPath path;
  private final int batchSize;
  private final LongAdder fetched = new LongAdder();
  private final LongAdder freshInL2 = new LongAdder();
  private final LongAdder notFound = new LongAdder();
  private final LongAdder failedFetches = new LongAdder();
  private final Set<DataKey> changed = ConcurrentHashMap.newKeySet();

  private WarmProcessor(Builder b) {
    this.path = b.path;
    this.batchSize = b.batchSize;
  }

  /**
   * Starts a builder.
   *
   * @param path the read path to warm
   * @return a builder with a group size of {@value #DEFAULT_BATCH_SIZE}
   */
  public static Builder builder(DataPath path) {
    return new Builder(path);
  }

  /**
   * Makes the task that warms one key. Its id and dedupe key are {@code warm:<code>:<type>}, so
   * one batch holds at most one task per key.
   *
   * @param key the stock and data type
   * @param priority 1 (lowest) to 5 (highest)
   * @return the task
   */
  public static Task task(DataKey key, int priority) {
    Objects.requireNonNull(key, "key");
    String id = TASK_TYPE + ":" + key;
    // a data key holds only digits, a-z and '_': nothing to escape
    return Task.builder(TASK_TYPE)
        .id(id)
        .dedupeKey(id)
        .priority(priority)
        .payload("{\"stockCode\":\"" + key.stockCode() + "\",\"dataType\":\"" + key.dataType() + "\"}")
        .build();
  }

  /**
   * Reads the key of a {@value #TASK_TYPE} task.
   *
   * @param task the task
   * @return its key
   * @throws InvalidInputException naming {@code payload} if the payload is not a warm payload
   */
  public static DataKey keyOf(Task task) {
    JsonNode n;
    try {
      n = JSON.readTree(task.payload());
    } catch (JsonProcessingException e) {
      throw new InvalidInputException("payload", task.payload(), "must be a JSON object");
    }
    if (n == null || !n.path("stockCode").isTextual() || !n.path("dataType").isTextual()) {
      throw new InvalidInputException(
          "payload", task.payload(), "must be {\"stockCode\":\"600519\",\"dataType\":\"financial\"}");
    }
    return new DataKey(n.get("stockCode").asText(), n.get("dataType").asText());
  }

  @Override
  public String taskType() {
    return TASK_TYPE;
  }

  @Override
  public int batchSize() {
    return batchSize;
  }

  /**
   * Returns no resources: the read path takes the source's permits itself, per source call
   * (see the class comment).
   *
   * @return an empty set
   */
  @Override
  public Set<String> resources() {
    return Set.of();
  }

  @Override
  public String process(Task task, TaskContext context) {
    DataKey key = keyOf(task);
    WarmResult r;
    try {
      r = path.warm(List.of(key));
    } catch (RuntimeException e) {
      failedFetches.increment();
      throw e;
    }
    count(r);
    return output(key, r);
  }

  @Override
  public List<String> processBatch(List<Task> tasks, TaskContext context) {
    List<DataKey> keys = new ArrayList<>(tasks.size());
    for (Task t : tasks) {
      keys.add(keyOf(t));
    }
    if (new HashSet<>(keys).size() != keys.size()) {
      // duplicate payloads under different ids: let the single-item form keep them apart
      throw new BatchException("the group holds one key twice; running its tasks one by one");
    }
    WarmResult r = path.warm(keys);
    count(r);
    if (!r.failed().isEmpty()) {
      Map.Entry<DataKey, String> first = r.failed().entrySet().iterator().next();
      throw new BatchException(r.failed().size() + " of " + keys.size() + " keys failed (first "
          + first.getKey() + ": " + first.getValue() + "); running the group one by one");
    }
    List<String> out = new ArrayList<>(keys.size());
    for (DataKey k : keys) {
      out.add(output(k, r));
    }
    return out;
  }

  /**
   * Returns what this processor did since it was built. Counts are of events: a key whose group
   * failed and that was then warmed alone may count in both {@code failedFetches} and {@code
   * fetched}.
   *
   * @return a snapshot
   */
  public Tally tally() {
    return new Tally(fetched.sum(), freshInL2.sum(), notFound.sum(), failedFetches.sum(),
        Set.copyOf(changed));
  }

  private void count(WarmResult r) {
    fetched.add(r.fetched());
    freshInL2.add(r.freshInL2());
    notFound.add(r.notFound().size());
    failedFetches.add(r.failed().size());
    changed.addAll(r.changed());
  }

  private static String output(DataKey key, WarmResult r) {
    String outcome = r.notFound().contains(key) ? "not_found"
        : r.changed().contains(key) ? "changed" : "warmed";
    return "{\"key\":\"" + key + "\",\"outcome\":\"" + outcome + "\"}";
  }

  /**
   * What a {@link WarmProcessor} did.
   *
   * @param fetched records fetched from the source and stored
   * @param freshInL2 keys whose L2 record was fresh and was copied to L1 without a source call
   * @param notFound keys the source has no data for
   * @param failedFetches key fetches that failed (retried ones included)
   * @param changed keys whose content hash changed, new keys included
   */
  public record Tally(
      long fetched, long freshInL2, long notFound, long failedFetches, Set<DataKey> changed) {

    /** Copies the set. */
    public Tally {
      changed = Set.copyOf(changed);
    }
  }

  /** Builds a {@link WarmProcessor}. Not thread-safe. */
  public static final class Builder {
    private final DataPath path;
    private int batchSize = DEFAULT_BATCH_SIZE;

    private Builder(DataPath path) {
      if (path == null) {
        throw new InvalidInputException("dataPath", null, "a read path is required");
      }
      this.path = path;
    }

    /**
     * Sets how many keys one {@code warm(keys)} call takes.
     *
     * @param size 1 (no batch form) to {@value #MAX_BATCH_SIZE}
     * @return this builder
     */
    public Builder batchSize(int size) {
      if (size < 1 || size > MAX_BATCH_SIZE) {
        throw new InvalidInputException("batchSize", size, "must be between 1 and " + MAX_BATCH_SIZE);
      }
      this.batchSize = size;
      return this;
    }

    /**
     * Builds the processor.
     *
     * @return the processor
     */
    public WarmProcessor build() {
      return new WarmProcessor(this);
    }
  }
}
