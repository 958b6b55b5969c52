package io.prism.batch.core.rag;

import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.data.DataKey;
import java.util.regex.Pattern;

/**
 * Names the vector collection of each data type: {@code prefix + dataType}, by default {@code
 * prism_financial}, {@code prism_announcements}, … One collection per type keeps each search
 * to the types asked for and lets a type be re-indexed alone. An immutable value; thread-safe.
 *
 * <pre>{@code
 * CollectionNames names = CollectionNames.withPrefix("tenant1_");
 * names.forType("financial"); // "tenant1_financial"
 * }</pre>
 */
public final class CollectionNames {

  /** The default prefix, {@value}. */
  public static final String DEFAULT_PREFIX = "prism_";

  /** Collection names as Chroma accepts them: 3–512 of [a-zA-Z0-9._-], alphanumeric ends. */
  private static final Pattern NAME =
      Pattern.compile("[a-zA-Z0-9](?:[a-zA-Z0-9._-]{1,510})[a-zA-Z0-9]");
  private static final Pattern PREFIX = Pattern.compile("(?:[a-zA-Z0-9][a-zA-Z0-9._-]{0,100})?");
  private static final CollectionNames DEFAULTS = new CollectionNames(DEFAULT_PREFIX);

  private final String prefix;

  private CollectionNames(String prefix) {
    this.prefix = prefix;
  }

  /**
   * Returns the default naming, prefix {@value #DEFAULT_PREFIX}.
   *
   * @return the naming
   */
  public static CollectionNames defaults() {
    return DEFAULTS;
  }

  /**
   * Returns a naming with another prefix.
   *
   * @param prefix up to 101 characters of {@code [a-zA-Z0-9._-]} starting with a letter or
   *     digit; may be empty
   * @return the naming
   * @throws InvalidInputException naming {@code prefix}
   */
  public static CollectionNames withPrefix(String prefix) {
    if (prefix == null || !PREFIX.matcher(prefix).matches()) {
      throw new InvalidInputException("prefix", prefix,
          "must be up to 101 characters of a-z, A-Z, 0-9, '.', '_' and '-', starting with a "
              + "letter or digit");
    }
    return new CollectionNames(prefix);
  }

  /**
   * Returns the prefix.
   *
   * @return the prefix
   */
  public String prefix() {
    return prefix;
  }

  /**
   * Returns the collection of a data type.
   *
   * @param dataType a data type name
   * @return the collection name
   * @throws InvalidInputException if the result is not a valid collection name
   */
  public String forType(String dataType) {
    new DataKey("000001", dataType); // validates the type's form
    return requireValid(prefix + dataType);
  }

  /**
   * Returns the collection of a key's data type.
   *
   * @param key the key
   * @return the collection name
   */
  public String forKey(DataKey key) {
    return forType(key.dataType());
  }

  /**
   * Checks a collection name.
   *
   * @param collection the name
   * @return the name
   * @throws InvalidInputException naming {@code collection} unless it has 3–512 characters of
   *     {@code [a-zA-Z0-9._-]} and starts and ends with a letter or digit
   */
  public static String requireValid(String collection) {
    if (collection == null || !NAME.matcher(collection).matches()) {
      throw new InvalidInputException("collection", collection,
          "must be 3-512 characters of a-z, A-Z, 0-9, '.', '_' and '-', starting and ending "
              + "with a letter or digit");
    }
    return collection;
  }

  @Override
  public String toString() {
    return "CollectionNames[" + prefix + "<dataType>]";
  }
}
