package io.prism.batch.api.schedule;

/** Why a slot did not fire on time; see {@link Misfire}. */
public enum MisfireCause {

  /** The schedule was paused when the slot came; it is reported when the schedule resumes. */
  PAUSED,

  /**
   * The scheduler handled the slot later than its misfire threshold: it was not running, the
   * node stalled (a long GC, a suspended VM), or the clock jumped forward.
   */
  LATE,

  /** The schedule's previous fire was still running, so this slot was not started. */
  STILL_RUNNING,

  /**
   * The {@link FireGuard} failed, so whether another node claimed the slot is unknown; it was not
   * run here, to keep the once-only promise.
   */
  GUARD_FAILED
}
