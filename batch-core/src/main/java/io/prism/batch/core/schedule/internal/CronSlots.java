package io.prism.batch.core.schedule.internal;

import com.cronutils.model.Cron;
import com.cronutils.model.definition.CronDefinition;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.schedule.Trigger;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * The slots of a cron expression, computed by cron-utils on wall-clock time (in UTC, which has
 * no daylight-saving changes, so the library's own DST handling never applies).
 *
 * <p>The syntax is Unix cron — minute, hour, day of month, month, day of week (0 or 7 = Sunday,
 * names {@code SUN}-{@code SAT}, {@code JAN}-{@code DEC}) — optionally preceded by seconds, with
 * ranges, steps, lists, {@code L}, {@code W}, {@code LW} and {@code #}. When both day fields are
 * restricted a day matching either fires (Unix rule); Quartz's {@code ?} is read as {@code *}.
 * Immutable and thread-safe.
 */
public final class CronSlots implements SlotSource {

  private static final CronParser FIVE = new CronParser(definition(false));
  private static final CronParser SIX = new CronParser(definition(true));

  private final String expression;
  private final ExecutionTime executionTime;

  private CronSlots(String expression, ExecutionTime executionTime) {
    this.expression = expression;
    this.executionTime = executionTime;
  }

  /**
   * Parses an expression.
   *
   * @param cron the trigger
   * @return the slots
   * @throws InvalidInputException naming {@code cron} with the parser's reason
   */
  public static CronSlots parse(Trigger.Cron cron) {
    String[] fields = cron.expression().split(" ");
    int dom = fields.length - 3;
    int dow = fields.length - 1;
    for (int i : new int[] {dom, dow}) {
      if (fields[i].equals("?")) {
        fields[i] = "*";
      }
    }
    String normalised = String.join(" ", fields);
    try {
      Cron parsed = (fields.length == 6 ? SIX : FIVE).parse(normalised);
      parsed.validate();
      return new CronSlots(cron.expression(), ExecutionTime.forCron(parsed));
    } catch (IllegalArgumentException e) {
      String reason = e.getMessage() == null ? e.toString() : e.getMessage();
      reason = reason.replace("Failed to parse cron expression. ", "");
      throw new InvalidInputException("cron", cron.expression(), reason);
    }
  }

  @Override
  public Optional<LocalDateTime> nextAfter(LocalDateTime after) {
    ZonedDateTime from = after.truncatedTo(ChronoUnit.SECONDS).atZone(ZoneOffset.UTC);
    return executionTime.nextExecution(from).map(ZonedDateTime::toLocalDateTime);
  }

  @Override
  public String toString() {
    return "cron " + expression;
  }

  private static CronDefinition definition(boolean seconds) {
    CronDefinitionBuilder b = CronDefinitionBuilder.defineCron();
    if (seconds) {
      b = b.withSeconds().withValidRange(0, 59).and();
    }
    return b.withMinutes().withValidRange(0, 59).and()
        .withHours().withValidRange(0, 23).and()
        .withDayOfMonth().withValidRange(1, 31).supportsL().supportsW().supportsLW().and()
        .withMonth().withValidRange(1, 12).and()
        .withDayOfWeek().withValidRange(0, 7).withMondayDoWValue(1).withIntMapping(7, 0)
        .supportsHash().supportsL().and()
        .instance();
  }
}
