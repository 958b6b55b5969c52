package io.prism.batch.api.data;

import io.prism.batch.api.InvalidInputException;
import java.time.Duration;
import java.util.Objects;

/**
 * A kind of market data and how long it stays fresh.
 *
 * @param name the type name used in keys, e.g. {@code financial}
 * @param label a human-readable (Chinese) label, e.g. {@code 财务摘要}
 * @param freshness when a stored record may be served without asking the source
 * @param cacheTtl how long the L1 cache keeps a record
 */
public record DataType(String name, String label, FreshnessPolicy freshness, Duration cacheTtl) {

  /** Daily quotes (K-line); fresh 30 minutes during trading hours. */
  public static final String DAILY_QUOTES = "daily_quotes";
  /** Company profile; fresh 7 days. */
  public static final String COMPANY_PROFILE = "company_profile";
  /** Financial summary; fresh 1 day. */
  public static final String FINANCIAL = "financial";
  /** Announcements; fresh 1 hour. */
  public static final String ANNOUNCEMENTS = "announcements";
  /** Top-10 shareholders; fresh 1 day. */
  public static final String SHAREHOLDERS = "shareholders";
  /** 龙虎榜 (dragon-tiger list); fresh 1 day. */
  public static final String LONGHUBANG = "longhubang";

  /** Checks the fields. */
  public DataType {
    new DataKey("000001", name); // validates the name's form
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(freshness, "freshness");
    if (cacheTtl == null || cacheTtl.isNegative() || cacheTtl.isZero()) {
      throw new InvalidInputException("cacheTtl", cacheTtl, "must be positive");
    }
  }
}
