package io.prism.batch.core.schedule.internal;

import java.time.LocalDateTime;
import java.util.Optional;

/**
 * The wall-clock slots of a trigger, with no time zone: the DST rules are applied by {@code
 * FireTimes}. Implementations are immutable and thread-safe.
 */
public interface SlotSource {

  /**
   * Returns the first slot strictly after a wall-clock time.
   *
   * @param after the time
   * @return the slot, or empty if there is none
   */
  Optional<LocalDateTime> nextAfter(LocalDateTime after);
}
