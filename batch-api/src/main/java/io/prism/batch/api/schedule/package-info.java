/**
 * Scheduling service-provider interfaces: a {@link io.prism.batch.api.schedule.Scheduler} fires
 * {@link io.prism.batch.api.schedule.Schedule}s — cron or daily-at {@link
 * io.prism.batch.api.schedule.Trigger}s in a time zone (default Asia/Shanghai), optionally on
 * trading days only ({@link io.prism.batch.api.schedule.TradingCalendar}) — and runs each one's
 * {@link io.prism.batch.api.schedule.FireAction}.
 *
 * <p>Three promises hold for every implementation:
 *
 * <ul>
 *   <li><b>once per slot</b>: every fire is first claimed from a {@link
 *       io.prism.batch.api.schedule.FireGuard} by (schedule name, scheduled time); only the
 *       claimant runs it, so a node that stalls and comes back, or a second node sharing the
 *       guard, cannot run the same slot again;
 *   <li><b>no silent misfire</b>: a slot that did not fire on time is either fired once late
 *       (within the schedule's grace period, {@link
 *       io.prism.batch.api.schedule.MisfirePolicy#FIRE_ONCE_IF_WITHIN_GRACE}) or skipped, and
 *       both are reported as a {@link io.prism.batch.api.schedule.Misfire} to every {@link
 *       io.prism.batch.api.schedule.ScheduleListener};
 *   <li><b>pause</b>: one schedule or all of them can be paused and resumed at run time.
 * </ul>
 *
 * <p>This package has no third-party dependency. Every type is an interface, an enum or an
 * immutable record; no method returns {@code null}.
 */
package io.prism.batch.api.schedule;
