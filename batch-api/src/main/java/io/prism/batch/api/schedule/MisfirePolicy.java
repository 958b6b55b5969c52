package io.prism.batch.api.schedule;

/**
 * What a scheduler does with a slot that did not fire on time — because the scheduler was not
 * running, the schedule was paused, or the node stalled.
 *
 * <p>Either way, slots that were overtaken by a later due slot never run (a schedule fires at
 * most once per catch-up, never once per missed slot), and every slot that did not run is
 * reported as a {@link Misfire}.
 */
public enum MisfirePolicy {

  /**
   * The latest missed slot fires once, late, if no more than the schedule's {@link
   * Schedule#gracePeriod() grace period} has passed since its time; otherwise it is skipped. The
   * default.
   */
  FIRE_ONCE_IF_WITHIN_GRACE,

  /** A missed slot never fires late; it is skipped and reported. */
  SKIP
}
