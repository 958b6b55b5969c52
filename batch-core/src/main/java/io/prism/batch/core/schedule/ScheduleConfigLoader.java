package io.prism.batch.core.schedule;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.prism.batch.api.BatchException;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.schedule.MisfirePolicy;
import io.prism.batch.api.schedule.Schedule;
import io.prism.batch.api.schedule.Trigger;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads schedules from YAML shaped like the seed's {@code schedules.yaml} into {@link Schedule}s,
 * to register with a {@link io.prism.batch.api.schedule.Scheduler} in code.
 *
 * <pre>
 * defaults:                    # optional, for every schedule
 *   zone: Asia/Shanghai
 *   misfire: fire_once_if_within_grace   # or skip
 *   grace: 10m                 # 90s, 10m, 2h, 1d or ISO-8601 (PT10M)
 * schedules:
 *   priority_batches:          # a group; schedule names are "group.key"
 *     level_5: "00:30"         # HH:mm[:ss] = every day at that time
 *   market_tasks:
 *     defaults:                # optional, for this group
 *       trading_day: true
 *     intraday_update: "*&#47;30 9-15 * * MON-FRI"   # anything else is cron
 *     post_market_update:      # or a map: at | cron, zone, trading_day, misfire, grace, enabled
 *       at: "15:30"
 *       grace: 30m
 * </pre>
 *
 * <p>Quote times ({@code "15:30"}): other YAML readers may take an unquoted {@code 12:30} for a
 * base-60 number; a value read as a number is rejected with a request to quote it. A value
 * that is not valid gives an {@link InvalidInputException} whose field is its path, e.g. {@code
 * schedules.market_tasks.intraday_update.cron}; unknown keys inside {@code defaults} and
 * schedule maps are rejected (a typo must not silently change a schedule), other top-level keys
 * are ignored so one file may hold other settings. Cron expressions are checked here.
 *
 * <p>Stateless and thread-safe.
 */
public final class ScheduleConfigLoader {

  /** The class-path resource of the example configuration shipped in this jar. */
  public static final String EXAMPLE_RESOURCE = "/prism/schedules.yaml";

  private static final ObjectMapper YAML = new ObjectMapper(
      YAMLFactory.builder().build().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION));
  private static final Set<String> FIELDS =
      Set.of("at", "cron", "zone", "trading_day", "misfire", "grace", "enabled");
  private static final Set<String> DEFAULT_FIELDS =
      Set.of("zone", "trading_day", "misfire", "grace", "enabled");
  /** Holds the defaults of the defaults; its trigger is never used. */
  private static final Schedule BASE =
      Schedule.builder("defaults").dailyAt(LocalTime.MIDNIGHT).build();
  private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

  private ScheduleConfigLoader() {}

  /**
   * Reads schedules from YAML.
   *
   * @param yaml the document, read to its end and not closed
   * @return the schedules, in document order
   * @throws InvalidInputException naming the path of the bad value, or the line and column of a
   *     syntax error
   * @throws UncheckedIOException if the stream cannot be read
   */
  public static List<Schedule> load(InputStream yaml) {
    Objects.requireNonNull(yaml, "yaml");
    JsonNode root;
    try {
      root = YAML.readTree(yaml);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = at == null ? "yaml"
          : "yaml line " + at.getLineNr() + ", column " + at.getColumnNr();
      throw new InvalidInputException(where, "document", e.getOriginalMessage());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read schedules", e);
    }
    return read(root);
  }

  /**
   * Reads schedules from a YAML file.
   *
   * @param file the file
   * @return the schedules, in document order
   * @throws InvalidInputException naming the path of the bad value
   * @throws UncheckedIOException if the file cannot be read
   */
  public static List<Schedule> load(Path file) {
    Objects.requireNonNull(file, "file");
    try (InputStream in = Files.newInputStream(file)) {
      return load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /**
   * Reads the example shipped in this jar ({@value #EXAMPLE_RESOURCE}): the seed's schedules —
   * priority 5 to 1 nightly from 00:30 to 02:30, the maintenance tasks, and the market tasks
   * (09:15 pre-market, every 30 minutes 9-15 on weekdays, 15:30 post-market) on trading days.
   *
   * @return the schedules
   */
  public static List<Schedule> example() {
    try (InputStream in = ScheduleConfigLoader.class.getResourceAsStream(EXAMPLE_RESOURCE)) {
      if (in == null) {
        throw new BatchException("example " + EXAMPLE_RESOURCE + " is missing from the jar");
      }
      return load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<Schedule> read(JsonNode root) {
    if (root == null || root.isMissingNode() || root.isNull()) {
      throw new InvalidInputException("schedules", null, "the document is empty");
    }
    if (!root.isObject()) {
      throw new InvalidInputException("(root)", root.toString(), "must be a map with schedules");
    }
    Schedule rootDefaults = defaults("defaults", root.get("defaults"), BASE);
    JsonNode schedules = root.get("schedules");
    if (schedules == null || schedules.isNull()) {
      throw new InvalidInputException("schedules", null, "is missing: nothing to schedule");
    }
    if (!schedules.isObject()) {
      throw new InvalidInputException(
          "schedules", schedules.toString(), "must be a map of groups or schedules");
    }
    List<Schedule> out = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = schedules.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> group = it.next();
      String groupPath = "schedules." + group.getKey();
      JsonNode value = group.getValue();
      if (isSchedule(value)) {
        out.add(schedule(groupPath, group.getKey(), value, rootDefaults));
        continue;
      }
      if (!value.isObject()) {
        throw new InvalidInputException(groupPath, text(value),
            "must be a time, a cron expression, a schedule map or a group of schedules");
      }
      Schedule groupDefaults = defaults(groupPath + ".defaults", value.get("defaults"),
          rootDefaults);
      for (Iterator<Map.Entry<String, JsonNode>> s = value.fields(); s.hasNext(); ) {
        Map.Entry<String, JsonNode> e = s.next();
        if (e.getKey().equals("defaults")) {
          continue;
        }
        out.add(schedule(groupPath + "." + e.getKey(), group.getKey() + "." + e.getKey(),
            e.getValue(), groupDefaults));
      }
    }
    return List.copyOf(out);
  }

  private static boolean isSchedule(JsonNode value) {
    return value.isValueNode() || (value.isObject() && (value.has("at") || value.has("cron")));
  }

  private static Schedule schedule(String path, String name, JsonNode value,
      Schedule defaults) {
    Schedule.Builder b;
    try {
      b = copy(defaults, name);
    } catch (InvalidInputException e) {
      throw new InvalidInputException(path, name, "is not a valid schedule name: " + e.reason());
    }
    if (value.isValueNode()) {
      b.trigger(trigger(path, value, null));
      return build(path, b);
    }
    if (!value.isObject()) {
      throw new InvalidInputException(path, text(value), "must be a time, a cron expression or a"
          + " map with at or cron");
    }
    rejectUnknown(path, value, FIELDS);
    if (value.has("at") && value.has("cron")) {
      throw new InvalidInputException(path, text(value), "has both at and cron; give one");
    }
    if (value.has("at")) {
      b.trigger(trigger(path + ".at", value.get("at"), "at"));
    } else {
      b.trigger(trigger(path + ".cron", value.get("cron"), "cron"));
    }
    apply(path, value, b);
    return build(path, b);
  }

  private static Schedule defaults(String path, JsonNode node, Schedule inherited) {
    if (node == null || node.isNull()) {
      return inherited;
    }
    if (!node.isObject()) {
      throw new InvalidInputException(path, text(node), "must be a map");
    }
    rejectUnknown(path, node, DEFAULT_FIELDS);
    Schedule.Builder b = inherited.toBuilder();
    apply(path, node, b);
    return b.build();
  }

  private static Trigger trigger(String path, JsonNode node, String kind) {
    if (node.isNumber()) {
      throw new InvalidInputException(path, node.asText(),
          "was read as a number; quote times and cron expressions, e.g. \"15:30\"");
    }
    if (!node.isTextual()) {
      throw new InvalidInputException(path, text(node), "must be a time or a cron expression");
    }
    String t = node.asText();
    try {
      Trigger trigger;
      if ("at".equals(kind)) {
        trigger = Trigger.parse(t);
        if (!(trigger instanceof Trigger.DailyAt)) {
          throw new InvalidInputException(path, t, "must be a time of day HH:mm or HH:mm:ss");
        }
      } else if ("cron".equals(kind)) {
        trigger = Trigger.cron(t);
      } else {
        trigger = Trigger.parse(t);
      }
      FireTimes.validate(trigger);
      return trigger;
    } catch (InvalidInputException e) {
      if (e.field().equals(path)) {
        throw e;
      }
      throw new InvalidInputException(path, t, e.reason());
    }
  }

  private static void apply(String path, JsonNode node, Schedule.Builder b) {
    JsonNode zone = node.get("zone");
    if (zone != null) {
      String p = path + ".zone";
      if (!zone.isTextual()) {
        throw new InvalidInputException(
            p, text(zone), "must be a time zone id, e.g. Asia/Shanghai");
      }
      rethrowAs(p, () -> b.zone(zone.asText()));
    }
    JsonNode tradingDay = node.get("trading_day");
    if (tradingDay != null) {
      b.requiresTradingDay(bool(path + ".trading_day", tradingDay));
    }
    JsonNode enabled = node.get("enabled");
    if (enabled != null) {
      b.enabled(bool(path + ".enabled", enabled));
    }
    JsonNode misfire = node.get("misfire");
    if (misfire != null) {
      b.misfirePolicy(misfirePolicy(path + ".misfire", misfire));
    }
    JsonNode grace = node.get("grace");
    if (grace != null) {
      String p = path + ".grace";
      Duration d = duration(p, grace);
      rethrowAs(p, () -> b.gracePeriod(d));
    }
  }

  private static boolean bool(String path, JsonNode node) {
    if (!node.isBoolean()) {
      throw new InvalidInputException(path, text(node), "must be true or false");
    }
    return node.booleanValue();
  }

  private static MisfirePolicy misfirePolicy(String path, JsonNode node) {
    String t = node.isTextual() ? node.asText().trim() : text(node);
    String key = t.toUpperCase(Locale.ROOT).replace('-', '_');
    for (MisfirePolicy p : MisfirePolicy.values()) {
      if (p.name().equals(key)) {
        return p;
      }
    }
    throw new InvalidInputException(path, t, "must be fire_once_if_within_grace or skip");
  }

  private static Duration duration(String path, JsonNode node) {
    if (!node.isTextual()) {
      throw new InvalidInputException(path, text(node),
          "must be a duration with a unit, e.g. 10m, 90s, 2h, 1d or PT10M");
    }
    String t = node.asText().trim();
    Matcher m = SIMPLE_DURATION.matcher(t.toLowerCase(Locale.ROOT));
    if (m.matches()) {
      long n;
      try {
        n = Long.parseLong(m.group(1));
      } catch (NumberFormatException e) {
        throw new InvalidInputException(path, t, "is too large");
      }
      switch (m.group(2)) {
        case "ms":
          return Duration.ofMillis(n);
        case "s":
          return Duration.ofSeconds(n);
        case "m":
          return Duration.ofMinutes(Math.min(n, Long.MAX_VALUE / 60));
        case "h":
          return Duration.ofHours(Math.min(n, Long.MAX_VALUE / 3600));
        default:
          return Duration.ofDays(Math.min(n, Long.MAX_VALUE / 86400));
      }
    }
    try {
      return Duration.parse(t);
    } catch (DateTimeParseException e) {
      throw new InvalidInputException(path, t,
          "must be a duration with a unit, e.g. 10m, 90s, 2h, 1d or PT10M");
    }
  }

  private static void rejectUnknown(String path, JsonNode node, Set<String> allowed) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!allowed.contains(k)) {
        throw new InvalidInputException(path + "." + k, text(node.get(k)),
            "is not a known key; expected one of " + new TreeSet<>(allowed));
      }
    }
  }

  private static Schedule build(String path, Schedule.Builder b) {
    try {
      return b.build();
    } catch (InvalidInputException e) {
      throw new InvalidInputException(path + "." + e.field(), e.value(), e.reason());
    }
  }

  private static void rethrowAs(String path, Runnable setter) {
    try {
      setter.run();
    } catch (InvalidInputException e) {
      throw new InvalidInputException(path, e.value().replace("\"", ""), e.reason());
    }
  }

  private static Schedule.Builder copy(Schedule d, String name) {
    return Schedule.builder(name)
        .zone(d.zone())
        .requiresTradingDay(d.requiresTradingDay())
        .misfirePolicy(d.misfirePolicy())
        .gracePeriod(d.gracePeriod())
        .enabled(d.enabled());
  }

  private static String text(JsonNode node) {
    return node == null ? "null" : node.isTextual() ? node.asText() : node.toString();
  }
}
