package io.prism.batch.core.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that tests set and advance by hand. Thread-safe. */
public final class StoreTestClock extends Clock {
  private volatile Instant now;

  /**
   * Creates the clock.
   *
   * @param start the first time it shows
   */
  public StoreTestClock(Instant start) {
    this.now = start;
  }

  /**
   * Sets the time.
   *
   * @param t the new time
   */
  public void set(Instant t) {
    now = t;
  }

  /**
   * Moves the time forward.
   *
   * @param d how far
   */
  public void advance(Duration d) {
    now = now.plus(d);
  }

  @Override
  public Instant instant() {
    return now;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
