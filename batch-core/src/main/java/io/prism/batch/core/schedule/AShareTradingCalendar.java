package io.prism.batch.core.schedule;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prism.batch.api.BatchException;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.schedule.TradingCalendar;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trading days of the Shanghai and Shenzhen stock exchanges.
 *
 * <p>{@link #bundled()} reads the calendar shipped in this jar ({@code
 * prism/calendar/akshare_trade_calendar.json}, AKShare's calendar, MIT licence, 1990-12-19 to
 * 2026-12-31). A newer list can be loaded with {@link #load(Path)} or {@link
 * #load(InputStream)}. The calendar covers the dates from its first to its last listed day; for
 * a date outside that range it falls back to Monday-Friday, logs a warning the first time, counts
 * the lookup ({@link #uncoveredLookups()}), and {@link #isCovered} returns false.
 *
 * <pre>{@code
 * AShareTradingCalendar cal = AShareTradingCalendar.bundled();
 * cal.isTradingDay(LocalDate.of(2026, 10, 1)); // false: National Day
 * cal.isCovered(LocalDate.of(2027, 3, 1));     // false: weekday fallback
 * }</pre>
 *
 * <p>Immutable apart from the fallback counter; thread-safe.
 */
public final class AShareTradingCalendar implements TradingCalendar {

  /** The class-path resource of the bundled calendar. */
  public static final String BUNDLED_RESOURCE = "/prism/calendar/akshare_trade_calendar.json";

  private static final Logger LOG = LoggerFactory.getLogger(AShareTradingCalendar.class);
  private static final DateTimeFormatter COMPACT = DateTimeFormatter.BASIC_ISO_DATE;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final LocalDate first;
  private final LocalDate last;
  private final BitSet days;
  private final int size;
  private final String source;
  private final AtomicBoolean warned = new AtomicBoolean();
  private final AtomicLong uncoveredLookups = new AtomicLong();

  private AShareTradingCalendar(List<LocalDate> tradingDays, String source) {
    if (tradingDays.isEmpty()) {
      throw new InvalidInputException("tradingDays", source, "lists no trading day");
    }
    LocalDate min = tradingDays.get(0);
    LocalDate max = min;
    for (LocalDate d : tradingDays) {
      Objects.requireNonNull(d, "tradingDays contains null");
      min = d.isBefore(min) ? d : min;
      max = d.isAfter(max) ? d : max;
    }
    this.first = min;
    this.last = max;
    this.days = new BitSet((int) (max.toEpochDay() - min.toEpochDay() + 1));
    for (LocalDate d : tradingDays) {
      days.set((int) (d.toEpochDay() - min.toEpochDay()));
    }
    this.size = days.cardinality();
    this.source = source;
  }

  /**
   * Returns the calendar shipped in this jar, read once.
   *
   * @return the bundled calendar
   */
  public static AShareTradingCalendar bundled() {
    return Bundled.INSTANCE;
  }

  /**
   * Creates a calendar from a list of trading days; it covers the first to the last of them.
   *
   * @param tradingDays the trading days, any order, at least one
   * @return the calendar
   * @throws InvalidInputException naming {@code tradingDays} if empty
   */
  public static AShareTradingCalendar of(Collection<LocalDate> tradingDays) {
    Objects.requireNonNull(tradingDays, "tradingDays");
    return new AShareTradingCalendar(new ArrayList<>(tradingDays), "list");
  }

  /**
   * Reads a calendar from a file; see {@link #load(InputStream, String)} for the formats.
   *
   * @param file the file
   * @return the calendar
   * @throws InvalidInputException naming the bad entry
   * @throws UncheckedIOException if the file cannot be read
   */
  public static AShareTradingCalendar load(Path file) {
    Objects.requireNonNull(file, "file");
    try (InputStream in = Files.newInputStream(file)) {
      return load(in, file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read trading calendar " + file, e);
    }
  }

  /**
   * Reads a calendar from a stream; see {@link #load(InputStream, String)}.
   *
   * @param in the stream, read to its end and not closed
   * @return the calendar
   * @throws InvalidInputException naming the bad entry
   * @throws UncheckedIOException if the stream cannot be read
   */
  public static AShareTradingCalendar load(InputStream in) {
    return load(in, "stream");
  }

  /**
   * Reads a calendar from a stream: a JSON array of dates (AKShare's {@code calendar.json}) or
   * plain text with one date per line ({@code #} starts a comment). Dates are {@code YYYYMMDD}
   * or {@code YYYY-MM-DD}.
   *
   * @param in the stream, read to its end and not closed
   * @param sourceName a name for messages, e.g. the file name
   * @return the calendar
   * @throws InvalidInputException naming the bad entry, e.g. {@code calendar[12]}
   * @throws UncheckedIOException if the stream cannot be read
   */
  public static AShareTradingCalendar load(InputStream in, String sourceName) {
    Objects.requireNonNull(in, "in");
    String text;
    try {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read trading calendar " + sourceName, e);
    }
    List<LocalDate> dates = new ArrayList<>();
    if (text.stripLeading().startsWith("[")) {
      JsonNode root;
      try {
        root = JSON.readTree(text);
      } catch (JsonProcessingException e) {
        throw new InvalidInputException(
            "calendar", sourceName, "is not a JSON array of dates: " + e.getOriginalMessage());
      }
      for (int i = 0; i < root.size(); i++) {
        JsonNode n = root.get(i);
        dates.add(parseDate("calendar[" + i + "]", n.isTextual() ? n.asText() : n.toString()));
      }
    } else {
      String[] lines = text.split("\r?\n");
      for (int i = 0; i < lines.length; i++) {
        String line = lines[i];
        int hash = line.indexOf('#');
        line = (hash >= 0 ? line.substring(0, hash) : line).trim();
        if (!line.isEmpty()) {
          dates.add(parseDate("calendar line " + (i + 1), line));
        }
      }
    }
    return new AShareTradingCalendar(dates, sourceName);
  }

  @Override
  public boolean isTradingDay(LocalDate date) {
    Objects.requireNonNull(date, "date");
    if (isCovered(date)) {
      return days.get((int) (date.toEpochDay() - first.toEpochDay()));
    }
    uncoveredLookups.incrementAndGet();
    if (warned.compareAndSet(false, true)) {
      LOG.warn("trading calendar ({}) covers {} to {}; {} is outside it, so Monday-Friday are"
          + " treated as trading days there (holidays are not known). Load a newer calendar"
          + " with AShareTradingCalendar.load(...)", source, first, last, date);
    }
    DayOfWeek dow = date.getDayOfWeek();
    return dow != DayOfWeek.SATURDAY && dow != DayOfWeek.SUNDAY;
  }

  @Override
  public boolean isCovered(LocalDate date) {
    Objects.requireNonNull(date, "date");
    return !date.isBefore(first) && !date.isAfter(last);
  }

  /**
   * Returns the first covered date (the first listed trading day).
   *
   * @return the date
   */
  public LocalDate firstCovered() {
    return first;
  }

  /**
   * Returns the last covered date (the last listed trading day).
   *
   * @return the date
   */
  public LocalDate lastCovered() {
    return last;
  }

  /**
   * Returns how many trading days are listed.
   *
   * @return the number of distinct dates
   */
  public int size() {
    return size;
  }

  /**
   * Returns how many lookups fell outside the covered range and were answered by the weekday
   * fallback.
   *
   * @return the count since this calendar was created
   */
  public long uncoveredLookups() {
    return uncoveredLookups.get();
  }

  @Override
  public String toString() {
    return "AShareTradingCalendar{" + source + ", " + first + " to " + last + ", " + size
        + " trading days}";
  }

  private static LocalDate parseDate(String field, String text) {
    String t = text.trim();
    try {
      return t.length() == 8 ? LocalDate.parse(t, COMPACT) : LocalDate.parse(t);
    } catch (DateTimeParseException e) {
      throw new InvalidInputException(field, text, "is not a date (YYYYMMDD or YYYY-MM-DD)");
    }
  }

  private static final class Bundled {
    static final AShareTradingCalendar INSTANCE = read();

    private static AShareTradingCalendar read() {
      try (InputStream in = AShareTradingCalendar.class.getResourceAsStream(BUNDLED_RESOURCE)) {
        if (in == null) {
          throw new BatchException("trading calendar " + BUNDLED_RESOURCE + " is missing");
        }
        return load(in, "bundled AKShare calendar");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
