package io.prism.batch.core.engine;

import io.prism.batch.api.BatchListener;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.Processor;
import io.prism.batch.api.TaskQueue;
import io.prism.batch.core.engine.internal.DefaultBatchEngine;
import io.prism.batch.core.engine.internal.EngineSettings;
import io.prism.batch.core.queue.JournaledTaskQueue;
import io.prism.batch.core.queue.MemoryTaskQueue;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Builds a {@link BatchEngine}. Each setter checks its value and names it in the error; {@link
 * #build()} snapshots the configuration. Not thread-safe.
 */
public final class BatchEngineBuilder {
  /** Default lease time of a claim. */
  public static final Duration DEFAULT_LEASE_TIME = Duration.ofMinutes(5);
  /** Default interval of progress events. */
  public static final Duration DEFAULT_PROGRESS_INTERVAL = Duration.ofSeconds(1);
  /** Default interval of heartbeat events. */
  public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(5);
  /** Default moving window of the throughput figure. */
  public static final Duration DEFAULT_THROUGHPUT_WINDOW = Duration.ofSeconds(10);
  /** Default most tasks one worker claims at once. */
  public static final int DEFAULT_MAX_CLAIM = 256;

  private static final Pattern BATCH_ID = Pattern.compile("[A-Za-z0-9_.-]{1,100}");

  private String batchId = "batch-" + UUID.randomUUID().toString().substring(0, 8);
  private final Map<String, Processor> processors = new LinkedHashMap<>();
  private int parallelism = Runtime.getRuntime().availableProcessors();
  private TaskQueue queue;
  private Path journalDir;
  private int snapshotEveryTasks = -1;
  private Duration snapshotInterval;
  private Path stateDir;
  private RetryRules retryRules = RetryRules.defaults();
  private final Map<String, RateLimit> rateLimits = new LinkedHashMap<>();
  private RateLimiters sharedLimiters;
  private Duration taskTimeout;
  private Duration batchTimeout;
  private final List<Map.Entry<String, BatchListener>> listeners = new ArrayList<>();
  private Duration progressInterval = DEFAULT_PROGRESS_INTERVAL;
  private Duration heartbeatInterval = DEFAULT_HEARTBEAT_INTERVAL;
  private Duration leaseTime = DEFAULT_LEASE_TIME;
  private int maxClaim = DEFAULT_MAX_CLAIM;
  private boolean perTaskEvents = true;
  private Duration throughputWindow = DEFAULT_THROUGHPUT_WINDOW;
  private Clock clock = Clock.systemUTC();

  BatchEngineBuilder() {}

  /**
   * Sets the batch id; with a journal, the same id resumes the same batch.
   *
   * @param id 1-100 characters of letters, digits, '_', '.', '-'
   * @return this builder
   */
  public BatchEngineBuilder batchId(String id) {
    if (id == null || !BATCH_ID.matcher(id).matches()) {
      throw new InvalidInputException(
          "batchId", id, "must be 1-100 characters of letters, digits, '_', '.' or '-'");
    }
    this.batchId = id;
    return this;
  }

  /**
   * Adds the processor of a task type.
   *
   * @param processor the processor
   * @return this builder
   */
  public BatchEngineBuilder processor(Processor processor) {
    if (processor == null) {
      throw new InvalidInputException("processor", null, "must not be null");
    }
    String type = processor.taskType();
    if (processors.containsKey(type)) {
      throw new InvalidInputException("processor", type, "a processor for this task type was already added");
    }
    if (processor.batchSize() < 1) {
      throw new InvalidInputException("batchSize", processor.batchSize(), "must be at least 1");
    }
    processors.put(type, processor);
    return this;
  }

  /**
   * Sets the number of workers.
   *
   * @param workers 1 to 1024
   * @return this builder
   */
  public BatchEngineBuilder parallelism(int workers) {
    if (workers < 1 || workers > 1024) {
      throw new InvalidInputException("parallelism", workers, "must be between 1 and 1024");
    }
    this.parallelism = workers;
    return this;
  }

  /**
   * Runs on the given queue (e.g. a PostgreSQL queue shared by several JVMs). The engine does
   * not close it.
   *
   * @param queue the queue
   * @return this builder
   */
  public BatchEngineBuilder queue(TaskQueue queue) {
    if (journalDir != null) {
      throw new InvalidInputException("queue", queue, "a journal directory was already set");
    }
    this.queue = queue;
    return this;
  }

  /**
   * Makes the batch durable: the engine keeps a journal in {@code dir/<batchId>/} and resumes
   * from it. Daily quotas persist in the same directory unless {@link #stateDir} says otherwise.
   *
   * @param dir the journal root directory
   * @return this builder
   */
  public BatchEngineBuilder journal(Path dir) {
    if (queue != null) {
      throw new InvalidInputException("journal", dir, "a queue was already set");
    }
    if (dir == null) {
      throw new InvalidInputException("journal", null, "must be a directory");
    }
    this.journalDir = dir;
    return this;
  }

  /**
   * Sets how often the journal is compacted into a snapshot.
   *
   * @param tasks after this many task transitions
   * @param interval or after this much time
   * @return this builder
   */
  public BatchEngineBuilder snapshotEvery(int tasks, Duration interval) {
    if (tasks < 1) {
      throw new InvalidInputException("snapshotEvery.tasks", tasks, "must be at least 1");
    }
    requirePositive("snapshotEvery.interval", interval);
    this.snapshotEveryTasks = tasks;
    this.snapshotInterval = interval;
    return this;
  }

  /**
   * Sets where daily quotas persist.
   *
   * @param dir the directory
   * @return this builder
   */
  public BatchEngineBuilder stateDir(Path dir) {
    this.stateDir = dir;
    return this;
  }

  /**
   * Sets the retry rules.
   *
   * @param rules the rules
   * @return this builder
   */
  public BatchEngineBuilder retryRules(RetryRules rules) {
    if (rules == null) {
      throw new InvalidInputException("retryRules", null, "must not be null");
    }
    this.retryRules = rules;
    return this;
  }

  /**
   * Limits a named resource.
   *
   * @param resource the name processors use
   * @param limit the limits
   * @return this builder
   */
  public BatchEngineBuilder rateLimit(String resource, RateLimit limit) {
    if (sharedLimiters != null) {
      throw new InvalidInputException("rateLimit", resource, "a shared RateLimiters was already set");
    }
    if (resource == null || resource.isBlank()) {
      throw new InvalidInputException("resource", resource, "must not be empty");
    }
    rateLimits.put(resource, limit);
    return this;
  }

  /**
   * Uses a registry of limits shared with other engines and read paths, instead of limits of
   * this engine's own.
   *
   * @param limiters the shared registry
   * @return this builder
   */
  public BatchEngineBuilder rateLimiters(RateLimiters limiters) {
    if (!rateLimits.isEmpty()) {
      throw new InvalidInputException("rateLimiters", limiters, "rateLimit(...) was already used");
    }
    this.sharedLimiters = limiters;
    return this;
  }

  /**
   * Sets the per-task timeout; a task running longer is interrupted and fails as a timeout.
   *
   * @param timeout the timeout
   * @return this builder
   */
  public BatchEngineBuilder taskTimeout(Duration timeout) {
    requirePositive("taskTimeout", timeout);
    this.taskTimeout = timeout;
    return this;
  }

  /**
   * Sets the whole-batch timeout; when it passes the batch ends {@code TIMED_OUT}.
   *
   * @param timeout the timeout
   * @return this builder
   */
  public BatchEngineBuilder batchTimeout(Duration timeout) {
    requirePositive("batchTimeout", timeout);
    this.batchTimeout = timeout;
    return this;
  }

  /**
   * Adds a listener; it gets events on its own thread.
   *
   * @param listener the listener
   * @return this builder
   */
  public BatchEngineBuilder listener(BatchListener listener) {
    if (listener == null) {
      throw new InvalidInputException("listener", null, "must not be null");
    }
    listeners.add(Map.entry("listener-" + listeners.size(), listener));
    return this;
  }

  /**
   * Sets how often progress events are sent.
   *
   * @param interval at least 10 ms
   * @return this builder
   */
  public BatchEngineBuilder progressInterval(Duration interval) {
    requireAtLeast("progressInterval", interval, Duration.ofMillis(10));
    this.progressInterval = interval;
    return this;
  }

  /**
   * Sets how often heartbeat events are sent.
   *
   * @param interval at least 10 ms
   * @return this builder
   */
  public BatchEngineBuilder heartbeatInterval(Duration interval) {
    requireAtLeast("heartbeatInterval", interval, Duration.ofMillis(10));
    this.heartbeatInterval = interval;
    return this;
  }

  /**
   * Sets the lease time of claims; the engine heartbeats running tasks at a third of it.
   *
   * @param lease at least 100 ms
   * @return this builder
   */
  public BatchEngineBuilder leaseTime(Duration lease) {
    requireAtLeast("leaseTime", lease, Duration.ofMillis(100));
    this.leaseTime = lease;
    return this;
  }

  /**
   * Sets the most tasks a worker claims at once (it claims fewer when tasks are slow).
   *
   * @param max 1 to 10,000
   * @return this builder
   */
  public BatchEngineBuilder maxClaim(int max) {
    if (max < 1 || max > 10_000) {
      throw new InvalidInputException("maxClaim", max, "must be between 1 and 10000");
    }
    this.maxClaim = max;
    return this;
  }

  /**
   * Sets whether listeners get a result or error event per task (default true); progress,
   * status, heartbeat and completed events are always sent.
   *
   * @param enabled the flag
   * @return this builder
   */
  public BatchEngineBuilder perTaskEvents(boolean enabled) {
    this.perTaskEvents = enabled;
    return this;
  }

  /**
   * Sets the moving window of the throughput figure.
   *
   * @param window at least 100 ms
   * @return this builder
   */
  public BatchEngineBuilder throughputWindow(Duration window) {
    requireAtLeast("throughputWindow", window, Duration.ofMillis(100));
    this.throughputWindow = window;
    return this;
  }

  /**
   * Sets the clock for not-before times and quota days.
   *
   * @param clock the clock
   * @return this builder
   */
  public BatchEngineBuilder clock(Clock clock) {
    if (clock == null) {
      throw new InvalidInputException("clock", null, "must not be null");
    }
    this.clock = clock;
    return this;
  }

  /**
   * Builds the engine; opens (and so recovers) the journal when one is set.
   *
   * @return the engine
   * @throws InvalidInputException if no processor was added
   */
  public BatchEngine build() {
    if (processors.isEmpty()) {
      throw new InvalidInputException("processor", "none", "add at least one processor");
    }
    Supplier<TaskQueue> q;
    boolean owns;
    Optional<Path> state = Optional.ofNullable(stateDir);
    Clock c = clock;
    if (queue != null) {
      TaskQueue given = queue;
      q = () -> given;
      owns = false;
    } else if (journalDir != null) {
      Path dir = journalDir.resolve(batchId);
      int every = snapshotEveryTasks;
      Duration interval = snapshotInterval;
      q = () -> {
        JournaledTaskQueue.Builder b = JournaledTaskQueue.builder(dir).clock(c);
        if (every > 0) {
          b.snapshotEvery(every).snapshotInterval(interval);
        }
        return b.build();
      };
      owns = true;
      if (state.isEmpty()) {
        state = Optional.of(journalDir); // quotas are per host, not per batch
      }
    } else {
      q = () -> new MemoryTaskQueue(c);
      owns = true;
    }
    RateLimiters limiters = sharedLimiters;
    if (limiters == null) {
      RateLimiters.Builder lb = RateLimiters.builder().clock(clock);
      state.ifPresent(lb::stateDir);
      rateLimits.forEach(lb::limit);
      limiters = lb.build();
    }
    EngineSettings settings = new EngineSettings(batchId, Map.copyOf(processors), parallelism,
        q, owns, retryRules, limiters, Optional.ofNullable(taskTimeout),
        Optional.ofNullable(batchTimeout), List.copyOf(listeners), progressInterval,
        heartbeatInterval, leaseTime, maxClaim, perTaskEvents, throughputWindow, clock);
    return new DefaultBatchEngine(settings);
  }

  private static void requirePositive(String field, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new InvalidInputException(field, d, "must be a positive duration");
    }
  }

  private static void requireAtLeast(String field, Duration d, Duration min) {
    if (d == null || d.compareTo(min) < 0) {
      throw new InvalidInputException(field, d, "must be at least " + min.toMillis() + " ms");
    }
  }
}
