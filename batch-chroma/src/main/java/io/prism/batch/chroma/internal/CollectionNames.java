package io.prism.batch.chroma.internal;

import io.prism.batch.api.InvalidInputException;
import java.util.regex.Pattern;

/** Checks collection names against Chroma's rules before any request is sent. Stateless. */
public final class CollectionNames {
  private static final Pattern NAME =
      Pattern.compile("[a-zA-Z0-9]([a-zA-Z0-9._-]{1,510})[a-zA-Z0-9]");
  private static final String OCTET = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
  private static final Pattern IPV4 = Pattern.compile(OCTET + "(\\." + OCTET + "){3}");

  private CollectionNames() {}

  /**
   * Returns the name if Chroma accepts it as a collection name.
   *
   * @param name the name
   * @return the name
   * @throws InvalidInputException naming the field {@code collection} if it is not 3–512 characters
   *     of {@code [a-zA-Z0-9._-]} starting and ending with a letter or digit, contains {@code ..},
   *     or is an IPv4 address
   */
  public static String check(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new InvalidInputException(
          "collection",
          name,
          "must be 3-512 characters of [a-zA-Z0-9._-], starting and ending with a letter or digit");
    }
    if (name.contains("..")) {
      throw new InvalidInputException("collection", name, "must not contain two periods in a row");
    }
    if (IPV4.matcher(name).matches()) {
      throw new InvalidInputException("collection", name, "must not be an IPv4 address");
    }
    return name;
  }
}
