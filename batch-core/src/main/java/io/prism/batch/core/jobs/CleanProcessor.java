package io.prism.batch.core.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.Processor;
import io.prism.batch.api.Task;
import io.prism.batch.api.TaskContext;
import io.prism.batch.api.data.CacheTier;
import io.prism.batch.api.data.DataKey;
import io.prism.batch.api.data.DataRecord;
import io.prism.batch.api.data.DataType;
import io.prism.batch.api.data.DataTypes;
import io.prism.batch.api.data.RecordStore;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/**
 * Runs {@value #TASK_TYPE} tasks: deletes one chunk of planned keys from L2 and L1. Before
 * deleting it reads the chunk again and keeps every record that no longer qualifies (fetched
 * again since the plan), so a warm running at the same time is never undone. Thread-safe; one
 * processor per run keeps that run's counts.
 */
final class CleanProcessor implements Processor {
  static final String TASK_TYPE = "clean";
  static final String EXPIRED = "expired";
  static final String ORPHANED = "orphaned";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final RecordStore store;
  private final CacheTier cache;
  private final DataTypes types;
  private final LongAdder deleted = new LongAdder();
  private final LongAdder kept = new LongAdder();

  CleanProcessor(RecordStore store, CacheTier cache, DataTypes types) {
    this.store = store;
    this.cache = cache;
    this.types = types;
  }

  /**
   * Makes a task deleting records fetched before {@code reference} ({@value #EXPIRED}) or not
   * fresh at {@code reference} ({@value #ORPHANED}).
   */
  static Task task(String reason, int chunk, Instant reference, List<DataKey> keys) {
    ObjectNode p = JSON.createObjectNode();
    p.put("reason", reason);
    p.put("reference", reference.toString());
    ArrayNode a = p.putArray("keys");
    keys.forEach(k -> a.add(k.toString()));
    String id = TASK_TYPE + ":" + reason + ":" + chunk;
    return Task.builder(TASK_TYPE).id(id).dedupeKey(id).priority(3).payload(p.toString()).build();
  }

  @Override
  public String taskType() {
    return TASK_TYPE;
  }

  @Override
  public String process(Task task, TaskContext context) {
    JsonNode p;
    try {
      p = JSON.readTree(task.payload());
    } catch (JsonProcessingException e) {
      throw new InvalidInputException("payload", task.payload(), "must be a JSON object");
    }
    String reason = p.path("reason").asText("");
    if (!reason.equals(EXPIRED) && !reason.equals(ORPHANED)) {
      throw new InvalidInputException("reason", reason, "must be expired or orphaned");
    }
    Instant reference;
    try {
      reference = Instant.parse(p.path("reference").asText(""));
    } catch (DateTimeParseException e) {
      throw new InvalidInputException("reference", p.path("reference").asText(), "must be an instant");
    }
    List<DataKey> keys = new ArrayList<>();
    p.path("keys").forEach(k -> keys.add(DataKey.parse(k.asText())));
    Map<DataKey, DataRecord> current = store.getAll(keys);
    List<DataKey> doomed = new ArrayList<>();
    for (DataKey k : keys) {
      DataRecord r = current.get(k);
      if (r != null && qualifies(reason, r, reference)) {
        doomed.add(k);
      }
    }
    int n = doomed.isEmpty() ? 0 : store.deleteAll(doomed);
    cache.invalidate(doomed);
    deleted.add(n);
    kept.add(keys.size() - doomed.size());
    return "{\"reason\":\"" + reason + "\",\"deleted\":" + n + ",\"kept\":"
        + (keys.size() - doomed.size()) + "}";
  }

  /** Tells whether a record is past the cut: fetched before it, or stale at it. */
  boolean qualifies(String reason, DataRecord r, Instant reference) {
    if (reason.equals(EXPIRED)) {
      return r.fetchedAt().isBefore(reference);
    }
    Optional<DataType> t = types.find(r.key().dataType());
    // a type no longer registered has no freshness: it is stale
    return t.isEmpty() || !t.get().freshness().isFresh(r.fetchedAt(), reference);
  }

  long deleted() {
    return deleted.sum();
  }

  long kept() {
    return kept.sum();
  }
}
