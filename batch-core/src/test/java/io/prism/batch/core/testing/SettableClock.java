package io.prism.batch.core.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link Clock} that stands still until a test sets or advances it, so no test sleeps to wait for
 * time to pass (after db-scheduler's {@code SettableClock}).
 *
 * <pre>{@code
 * SettableClock clock = new SettableClock(Instant.parse("2025-01-06T01:00:00Z"));
 * TaskQueue queue = new MemoryTaskQueue(clock);
 * clock.advance(Duration.ofSeconds(31)); // leases of 30 s have now expired
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class SettableClock extends Clock {

  /** The instant a clock built without one starts at: a Monday, 09:00 in Shanghai. */
  public static final Instant DEFAULT_START = Instant.parse("2025-01-06T01:00:00Z");

  private final ZoneId zone;
  private final AtomicReference<Instant> now;

  /** Creates a clock at {@link #DEFAULT_START} in UTC. */
  public SettableClock() {
    this(DEFAULT_START);
  }

  /**
   * Creates a clock in UTC.
   *
   * @param start the first time it shows
   */
  public SettableClock(Instant start) {
    this(new AtomicReference<>(Objects.requireNonNull(start, "start")), ZoneOffset.UTC);
  }

  private SettableClock(AtomicReference<Instant> now, ZoneId zone) {
    this.now = now;
    this.zone = Objects.requireNonNull(zone, "zone");
  }

  /**
   * Sets the time.
   *
   * @param instant the new time
   */
  public void set(Instant instant) {
    now.set(Objects.requireNonNull(instant, "instant"));
  }

  /**
   * Moves the time forward (or back, for a negative duration).
   *
   * @param duration how far
   * @return the new time
   */
  public Instant advance(Duration duration) {
    Objects.requireNonNull(duration, "duration");
    return now.updateAndGet(t -> t.plus(duration));
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  /** Returns a clock in another zone that shows the same, settable time as this one. */
  @Override
  public Clock withZone(ZoneId newZone) {
    return new SettableClock(now, newZone);
  }

  @Override
  public String toString() {
    return "SettableClock[" + now.get() + " " + zone + "]";
  }
}
