package io.prism.batch.examples;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The command line of the example mains: {@code --name=value} options (a bare {@code --name}
 * has the value "") and, for mains that take them, positional arguments. A repeated option
 * keeps its last value.
 */
final class MainArgs {
  private final Map<String, String> options;
  private final List<String> positional;

  private MainArgs(Map<String, String> options, List<String> positional) {
    this.options = options;
    this.positional = List.copyOf(positional);
  }

  /** Splits {@code args} into options (those starting with {@code --}) and positional ones. */
  static MainArgs parse(String[] args) {
    Map<String, String> options = new HashMap<>();
    List<String> positional = new ArrayList<>();
    for (String a : args) {
      if (!a.startsWith("--")) {
        positional.add(a);
        continue;
      }
      int eq = a.indexOf('=');
      options.put(eq < 0 ? a.substring(2) : a.substring(2, eq),
          eq < 0 ? "" : a.substring(eq + 1));
    }
    return new MainArgs(options, positional);
  }

  /**
   * Parses {@code args} that must all be options.
   *
   * @throws IllegalArgumentException naming the first argument that is not an option
   */
  static MainArgs optionsOnly(String[] args) {
    MainArgs parsed = parse(args);
    if (!parsed.positional.isEmpty()) {
      throw new IllegalArgumentException("options are --name=value, got "
          + parsed.positional.get(0));
    }
    return parsed;
  }

  /**
   * Checks that every option given is one of {@code known}.
   *
   * @throws IllegalArgumentException naming the first unknown option and listing the known ones
   */
  MainArgs requireKnown(Collection<String> known) {
    for (String name : new TreeSet<>(options.keySet())) {
      if (!known.contains(name)) {
        throw new IllegalArgumentException("unknown option --" + name + "; known options: --"
            + String.join(", --", new TreeSet<>(known)));
      }
    }
    return this;
  }

  /** The positional arguments, in order. */
  List<String> positional() {
    return positional;
  }

  /** Whether the option was given, with or without a value. */
  boolean has(String name) {
    return options.containsKey(name);
  }

  /** The option's value as given ("" for a bare {@code --name}); empty if not given. */
  Optional<String> value(String name) {
    return Optional.ofNullable(options.get(name));
  }

  /**
   * The option's value; if it is missing or empty, the environment variable {@code env}'s; if
   * that is missing or empty too, {@code fallback}.
   */
  String opt(String name, String env, String fallback) {
    String v = options.get(name);
    if (v == null || v.isEmpty()) {
      v = System.getenv(env);
    }
    return v == null || v.isEmpty() ? fallback : v;
  }
}
