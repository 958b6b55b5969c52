package io.prism.batch.redis.internal;

import io.prism.batch.api.InvalidInputException;
import io.lettuce.core.RedisURI;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Pattern;

/** Parses {@code redis://} URIs into Lettuce's {@link RedisURI}, naming the field on errors. */
public final class RedisUris {
  private static final Pattern USER_INFO = Pattern.compile("//[^/@?#]*@");

  private RedisUris() {}

  /**
   * Parses a URI such as {@code redis://:secret@cache.internal:6379/2} or {@code
   * rediss://cache.internal:6380} (TLS), as Lettuce does.
   *
   * @param field the field name to report
   * @param text the URI
   * @return the parsed URI
   * @throws InvalidInputException naming the field, with any password masked
   */
  public static RedisURI parse(String field, String text) {
    if (text == null || text.isBlank()) {
      throw new InvalidInputException(field, text, "must be a redis:// or rediss:// URI");
    }
    String scheme = schemeOf(text);
    if (scheme.equals("redis") || scheme.equals("rediss")) {
      checkServerAuthority(field, text);
    }
    RedisURI uri;
    try {
      uri = RedisURI.create(text.trim());
    } catch (RuntimeException e) {
      throw new InvalidInputException(field, redact(text), reason(e));
    }
    if (uri.getDatabase() < 0) {
      throw new InvalidInputException(field, redact(text), "database index must not be negative");
    }
    return uri;
  }

  /**
   * Masks the user information of a URI, e.g. {@code redis://***@host:6379}.
   *
   * @param text the URI
   * @return the URI without its password
   */
  public static String redact(String text) {
    return text == null ? "null" : USER_INFO.matcher(text).replaceFirst("//***@");
  }

  private static String schemeOf(String text) {
    int colon = text.indexOf(':');
    return colon < 0 ? "" : text.substring(0, colon).trim().toLowerCase(Locale.ROOT);
  }

  private static void checkServerAuthority(String field, String text) {
    try {
      URI u = new URI(text.trim());
      if (u.getHost() == null) {
        throw new InvalidInputException(
            field, redact(text), "must name a host, and a numeric port if any");
      }
    } catch (URISyntaxException e) {
      throw new InvalidInputException(field, redact(text), "is not a URI: " + e.getReason());
    }
  }

  private static String reason(RuntimeException e) {
    if (e instanceof NumberFormatException) {
      return "database index and port must be numbers";
    }
    String m = e.getMessage();
    return m == null || m.isBlank() ? "is not a valid Redis URI" : "is not a valid Redis URI: " + m;
  }
}
