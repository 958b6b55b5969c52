/**
 * The embedded scheduler: {@link io.prism.batch.core.schedule.LocalScheduler} (the {@code local}
 * provider of {@link io.prism.batch.api.schedule.Scheduler}) fires cron and daily-at schedules in
 * their time zones; {@link io.prism.batch.core.schedule.FireTimes} computes fire times, including
 * daylight-saving changes; {@link io.prism.batch.core.schedule.AShareTradingCalendar} knows the
 * A-share trading days (AKShare's calendar, shipped in the jar);
 * {@link io.prism.batch.core.schedule.InMemoryFireGuard} (the {@code memory} provider of {@link
 * io.prism.batch.api.schedule.FireGuard}) makes schedulers in one JVM fire each slot once; and
 * {@link io.prism.batch.core.schedule.ScheduleConfigLoader} reads schedules from YAML.
 *
 * <p>Tests drive a scheduler with a settable clock and {@link
 * io.prism.batch.core.schedule.LocalScheduler#runDue()}, never by sleeping.
 */
package io.prism.batch.core.schedule;
