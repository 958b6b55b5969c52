package io.prism.batch.api;

/**
 * Thrown when a value given to the library is invalid. The message names the field, the
 * rejected value and the reason, e.g. {@code priority: 6 is invalid: must be between 1 and 5}.
 *
 * <p>It is a {@link PermanentTaskException}: a task that fails with it is never retried.
 */
public class InvalidInputException extends PermanentTaskException {
  private static final long serialVersionUID = 1L;

  private final String field;
  private final String value;
  private final String reason;

  /**
   * Creates the exception.
   *
   * @param field the name of the offending field
   * @param value the rejected value, as given (shortened when long)
   * @param reason why the value is rejected
   */
  public InvalidInputException(String field, Object value, String reason) {
    super(field + ": " + abbreviate(value) + " is invalid: " + reason);
    this.field = field;
    this.value = abbreviate(value);
    this.reason = reason;
  }

  /**
   * Returns the name of the offending field.
   *
   * @return the field name
   */
  public String field() {
    return field;
  }

  /**
   * Returns the rejected value, shortened to at most 80 characters.
   *
   * @return the rejected value as text
   */
  public String value() {
    return value;
  }

  /**
   * Returns why the value was rejected.
   *
   * @return the reason
   */
  public String reason() {
    return reason;
  }

  private static String abbreviate(Object value) {
    String text = value == null ? "null" : "\"" + value + "\"";
    if (value instanceof Number || value instanceof Boolean) {
      text = String.valueOf(value);
    }
    return text.length() <= 80 ? text : text.substring(0, 60) + "…(" + text.length() + " chars)";
  }
}
