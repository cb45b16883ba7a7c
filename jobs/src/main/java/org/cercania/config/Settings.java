package org.cercania.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigValueFactory;
import java.io.File;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.cercania.errors.Errors;

/**
 * The run's settings: {@code conf/application.conf} defaults, then a profile ({@code local} or
 * {@code cluster}), then a study ({@code conf/studies/<study>.conf} or any file), then command-line
 * overrides ({@code --set key=value}), each layer winning over the ones before it.
 */
public final class Settings implements Serializable {
  private final transient Config config;
  private final String rendered;

  private Settings(Config config) {
    this.config = config;
    this.rendered = config.root().render(ConfigRenderOptions.concise());
  }

  public static Settings load(String profile, String study, Map<String, String> overrides) {
    Config base = classpath("conf/application.conf", true);
    Config prof = profile == null ? ConfigFactory.empty() : classpathOrFile("conf/" + profile + ".conf", profile, "profile");
    Config st = study == null ? ConfigFactory.empty() : classpathOrFile("conf/studies/" + study + ".conf", study, "study");
    Config cli = ConfigFactory.empty();
    for (Map.Entry<String, String> e : overrides.entrySet()) {
      try {
        cli = ConfigFactory.parseString(e.getKey() + " = " + quoteIfNeeded(e.getValue())).withFallback(cli);
      } catch (ConfigException ex) {
        throw Errors.badOptionValue("--set", e.getKey() + "=" + e.getValue(), "key=value in HOCON syntax");
      }
    }
    try {
      Config all = cli.withFallback(st).withFallback(prof).withFallback(base)
          .resolve(ConfigResolveOptions.defaults().setAllowUnresolved(false));
      return new Settings(all);
    } catch (ConfigException e) {
      throw Errors.usage("settings do not resolve: " + e.getMessage());
    }
  }

  /** These settings with {@code overrides} (key to HOCON value text) winning over them. */
  public Settings with(Map<String, String> overrides) {
    Config c = config();
    for (Map.Entry<String, String> e : overrides.entrySet()) {
      c = ConfigFactory.parseString(e.getKey() + " = " + quoteIfNeeded(e.getValue())).withFallback(c);
    }
    return new Settings(c.resolve());
  }

  /** Settings from defaults only (tests and library use). */
  public static Settings defaults() {
    return load(null, null, Map.of());
  }

  private static String quoteIfNeeded(String v) {
    if (v.matches("-?[0-9.]+|true|false|\\[.*\\]|\\{.*\\}|\".*\"")) {
      return v;
    }
    return ConfigFactoryQuote.quote(v);
  }

  private static Config classpath(String resource, boolean required) {
    if (Settings.class.getClassLoader().getResource(resource) == null) {
      if (required) {
        throw Errors.usage("missing " + resource + " on the classpath; was the jar built from this repository?");
      }
      return ConfigFactory.empty();
    }
    return ConfigFactory.parseResources(Settings.class.getClassLoader(), resource,
        ConfigParseOptions.defaults().setAllowMissing(false));
  }

  private static Config classpathOrFile(String resource, String nameOrPath, String what) {
    File f = new File(nameOrPath);
    if (f.isFile()) {
      try {
        return ConfigFactory.parseFile(f, ConfigParseOptions.defaults().setAllowMissing(false));
      } catch (ConfigException e) {
        throw Errors.inputUnreadable(f, e.getMessage(), e);
      }
    }
    if (Settings.class.getClassLoader().getResource(resource) == null) {
      throw Errors.usage("unknown " + what + " '" + nameOrPath + "': neither a file nor " + resource);
    }
    return classpath(resource, true);
  }

  private Config config() {
    return config != null ? config : ConfigFactory.parseString(rendered);
  }

  public Config raw() {
    return config();
  }

  public boolean has(String path) {
    return config().hasPath(path);
  }

  public String string(String path) {
    return get(path, () -> config().getString(path), "a string");
  }

  public int integer(String path) {
    return get(path, () -> config().getInt(path), "an integer");
  }

  public long longValue(String path) {
    return get(path, () -> config().getLong(path), "an integer");
  }

  public double number(String path) {
    return get(path, () -> config().getDouble(path), "a number");
  }

  public boolean flag(String path) {
    return get(path, () -> config().getBoolean(path), "true or false");
  }

  public List<Double> numbers(String path) {
    return get(path, () -> new ArrayList<>(config().getDoubleList(path)), "a list of numbers");
  }

  public List<String> strings(String path) {
    return get(path, () -> new ArrayList<>(config().getStringList(path)), "a list of strings");
  }

  /** The resolved settings as one line of HOCON, for the run manifest. */
  public String render() {
    return rendered;
  }

  private <T> T get(String path, Supplier<T> read, String expected) {
    try {
      return read.get();
    } catch (ConfigException.Missing e) {
      throw Errors.usage("missing setting '" + path + "' (add it to conf/ or pass --set " + path + "=...)");
    } catch (ConfigException.WrongType e) {
      throw Errors.badSetting(path, String.valueOf(config().getValue(path).unwrapped()), expected);
    }
  }

  /** Quotes a HOCON string value. */
  private static final class ConfigFactoryQuote {
    static String quote(String s) {
      return ConfigValueFactory.fromAnyRef(s).render(ConfigRenderOptions.concise());
    }
  }
}
