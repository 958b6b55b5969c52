package io.prism.batch.api;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * One unit of work: an immutable value.
 *
 * <p>Priority runs from {@value #MIN_PRIORITY} (lowest) to {@value #MAX_PRIORITY} (highest);
 * higher priorities are claimed first, and tasks of one priority in the order they were
 * enqueued. The dedupe key makes enqueueing idempotent: a queue holds at most one task per key.
 * The payload is a JSON document that the task type's {@link Processor} understands.
 *
 * <pre>{@code
 * Task task = Task.builder("warm")
 *     .dedupeKey("600519:daily_quotes")
 *     .priority(5)
 *     .payload("{\"code\":\"600519\"}")
 *     .build();
 * }</pre>
 *
 * @param id unique id of the task
 * @param type the task type, naming the processor that runs it
 * @param dedupeKey the idempotency key; defaults to the id
 * @param priority 1 (lowest) to 5 (highest)
 * @param payload JSON payload; {@code "{}"} when there is none
 * @param attempts how many times the task has been started so far
 * @param notBefore the task is not claimed before this instant
 */
public record Task(
    String id,
    String type,
    String dedupeKey,
    int priority,
    String payload,
    int attempts,
    Instant notBefore) {

  /** The lowest priority. */
  public static final int MIN_PRIORITY = 1;
  /** The highest priority. */
  public static final int MAX_PRIORITY = 5;
  /** The priority of a task built without one. */
  public static final int DEFAULT_PRIORITY = 3;
  /** The longest id, type or dedupe key accepted. */
  public static final int MAX_KEY_LENGTH = 200;
  /** What a valid task type is, as error messages put it. */
  public static final String TYPE_RULE =
      "must be 1-100 characters of letters, digits, '_', '.', ':' or '-'";


  /** Checks every field; see {@link InvalidInputException} for the message form. */
  public Task {
    requireKey("id", id);
    requireType("type", type);
    requireKey("dedupeKey", dedupeKey);
    if (priority < MIN_PRIORITY || priority > MAX_PRIORITY) {
      throw new InvalidInputException(
          "priority", priority, "must be between " + MIN_PRIORITY + " and " + MAX_PRIORITY);
    }
    if (payload == null || payload.isBlank()) {
      throw new InvalidInputException("payload", payload, "must be a JSON document, e.g. {}");
    }
    if (attempts < 0) {
      throw new InvalidInputException("attempts", attempts, "must not be negative");
    }
    Objects.requireNonNull(notBefore, "notBefore");
  }

  /**
   * Starts building a task of the given type with a random id.
   *
   * @param type the task type
   * @return a builder
   */
  public static Builder builder(String type) {
    return new Builder(type);
  }

  /**
   * Returns a copy with the attempt count and earliest start changed, for a retry.
   *
   * @param newAttempts the attempt count
   * @param newNotBefore the earliest start
   * @return the copy
   */
  public Task withAttempts(int newAttempts, Instant newNotBefore) {
    return new Task(id, type, dedupeKey, priority, payload, newAttempts, newNotBefore);
  }

  /**
   * Tells whether a string is a valid task type: 1 to 100 letters, digits, {@code _}, {@code .},
   * {@code :} or {@code -}.
   *
   * @param type the string, may be null
   * @return true if a task may have this type
   */
  // A loop, not a regex: tasks are rebuilt on every claim and this check is on the hot path.
  public static boolean isValidType(String type) {
    if (type == null || type.isEmpty() || type.length() > 100) {
      return false;
    }
    for (int i = 0; i < type.length(); i++) {
      char c = type.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '_' || c == '.' || c == ':' || c == '-';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /**
   * Checks that a string is a valid task type ({@link #isValidType}).
   *
   * @param field the field to name in the error, e.g. {@code taskType}
   * @param type the string, may be null
   * @return the type
   * @throws InvalidInputException naming {@code field} if it is not a valid task type
   */
  public static String requireType(String field, String type) {
    if (!isValidType(type)) {
      throw new InvalidInputException(field, type, TYPE_RULE);
    }
    return type;
  }

  private static void requireKey(String field, String value) {
    if (value == null || value.isEmpty()) {
      throw new InvalidInputException(field, value, "must not be empty");
    }
    if (value.length() > MAX_KEY_LENGTH) {
      throw new InvalidInputException(
          field, value, "must be at most " + MAX_KEY_LENGTH + " characters");
    }
  }

  /** Builds a {@link Task}. Not thread-safe. */
  public static final class Builder {
    private final String type;
    private String id;
    private String dedupeKey;
    private int priority = DEFAULT_PRIORITY;
    private String payload = "{}";
    private int attempts;
    private Instant notBefore = Instant.EPOCH;

    private Builder(String type) {
      this.type = type;
    }

    /**
     * Sets the id; a random UUID is used otherwise.
     *
     * @param id the id
     * @return this builder
     */
    public Builder id(String id) {
      this.id = id;
      return this;
    }

    /**
     * Sets the dedupe key; the id is used otherwise.
     *
     * @param dedupeKey the key
     * @return this builder
     */
    public Builder dedupeKey(String dedupeKey) {
      this.dedupeKey = dedupeKey;
      return this;
    }

    /**
     * Sets the priority, 1 (lowest) to 5 (highest).
     *
     * @param priority the priority
     * @return this builder
     */
    public Builder priority(int priority) {
      this.priority = priority;
      return this;
    }

    /**
     * Sets the JSON payload.
     *
     * @param json a JSON document
     * @return this builder
     */
    public Builder payload(String json) {
      this.payload = json;
      return this;
    }

    /**
     * Sets the attempt count already used (for tasks restored from elsewhere).
     *
     * @param attempts attempts so far
     * @return this builder
     */
    public Builder attempts(int attempts) {
      this.attempts = attempts;
      return this;
    }

    /**
     * Sets the earliest time the task may start.
     *
     * @param notBefore the instant
     * @return this builder
     */
    public Builder notBefore(Instant notBefore) {
      this.notBefore = notBefore;
      return this;
    }

    /**
     * Builds the task, checking every field.
     *
     * @return the task
     * @throws InvalidInputException naming the first invalid field
     */
    public Task build() {
      String theId = id == null ? UUID.randomUUID().toString() : id;
      return new Task(
          theId, type, dedupeKey == null ? theId : dedupeKey, priority, payload, attempts, notBefore);
    }
  }
}
