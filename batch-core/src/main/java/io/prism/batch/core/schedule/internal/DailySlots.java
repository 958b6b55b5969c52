package io.prism.batch.core.schedule.internal;

import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.Objects;
import java.util.Optional;

/** Every day at one time of day. Immutable and thread-safe. */
public final class DailySlots implements SlotSource {
  private final LocalTime time;

  /**
   * Creates the slots.
   *
   * @param time the time of day
   */
  public DailySlots(LocalTime time) {
    this.time = Objects.requireNonNull(time, "time");
  }

  @Override
  public Optional<LocalDateTime> nextAfter(LocalDateTime after) {
    LocalDateTime today = after.toLocalDate().atTime(time);
    return Optional.of(today.isAfter(after) ? today : today.plusDays(1));
  }

  @Override
  public String toString() {
    return "daily at " + time;
  }
}
