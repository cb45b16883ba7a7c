package org.cercania.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cercania.errors.Errors;

/**
 * A command's declared options and, once parsed, their values. Options are {@code --name value}
 * or {@code --name=value}; flags take no value; {@code --set key=value} may repeat.
 */
public final class Options {
  private record Spec(String name, String arg, String help, boolean flag, boolean repeatable, String dflt) {}

  private final String command;
  private final String synopsis;
  private final Map<String, Spec> specs = new LinkedHashMap<>();
  private final Map<String, List<String>> values = new LinkedHashMap<>();

  public Options(String command, String synopsis) {
    this.command = command;
    this.synopsis = synopsis;
  }

  public Options value(String name, String arg, String help) {
    return add(new Spec(name, arg, help, false, false, null));
  }

  public Options value(String name, String arg, String help, String dflt) {
    return add(new Spec(name, arg, help, false, false, dflt));
  }

  public Options repeatable(String name, String arg, String help) {
    return add(new Spec(name, arg, help, false, true, null));
  }

  public Options flag(String name, String help) {
    return add(new Spec(name, null, help, true, false, null));
  }

  private Options add(Spec s) {
    specs.put(s.name(), s);
    return this;
  }

  /** Parses {@code args}; unknown options and missing values are usage errors. */
  public Options parse(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--")) {
        throw Errors.usage("unexpected argument '" + a + "' (options start with --; see --help)");
      }
      String name = a;
      String val = null;
      int eq = a.indexOf('=');
      if (eq > 0) {
        name = a.substring(0, eq);
        val = a.substring(eq + 1);
      }
      Spec s = specs.get(name);
      if (s == null) {
        throw Errors.unknownOption(command, name, specs.keySet());
      }
      if (s.flag()) {
        if (val != null) {
          throw Errors.badOptionValue(name, val, "no value (it is a flag)");
        }
        val = "true";
      } else if (val == null) {
        if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
          throw Errors.usage("option " + name + " needs a value " + s.arg());
        }
        val = args[++i];
      }
      List<String> list = values.computeIfAbsent(name, k -> new ArrayList<>());
      if (!s.repeatable() && !list.isEmpty()) {
        throw Errors.usage("option " + name + " given twice");
      }
      list.add(val);
    }
    return this;
  }

  public boolean has(String name) {
    return values.containsKey(name) || specs.get(name).dflt() != null;
  }

  public boolean flag(String name) {
    return values.containsKey(name);
  }

  public String get(String name) {
    List<String> v = values.get(name);
    if (v != null) {
      return v.get(0);
    }
    Spec s = specs.get(name);
    return s == null ? null : s.dflt();
  }

  public String require(String name) {
    String v = get(name);
    if (v == null) {
      throw Errors.missingOption(command, name);
    }
    return v;
  }

  public int integer(String name, int fallback) {
    String v = get(name);
    if (v == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw Errors.badOptionValue(name, v, "an integer");
    }
  }

  public long longValue(String name, long fallback) {
    String v = get(name);
    if (v == null) {
      return fallback;
    }
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw Errors.badOptionValue(name, v, "an integer");
    }
  }

  public List<String> all(String name) {
    return values.getOrDefault(name, List.of());
  }

  /** The --help text. */
  public String help(String summary) {
    StringBuilder b = new StringBuilder();
    b.append("usage: cercania ").append(command).append(' ').append(synopsis).append("\n\n").append(summary).append("\n\noptions:\n");
    for (Spec s : specs.values()) {
      String left = "  " + s.name() + (s.arg() == null ? "" : " " + s.arg());
      b.append(String.format("%-34s %s", left, s.help()));
      if (s.dflt() != null) {
        b.append(" (default ").append(s.dflt()).append(')');
      }
      if (s.repeatable()) {
        b.append(" (repeatable)");
      }
      b.append('\n');
    }
    b.append(String.format("%-34s %s%n", "  --help", "print this help"));
    return b.toString();
  }
}
