package org.cercania.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import org.cercania.config.Settings;
import org.cercania.errors.Errors;

/** The options every pipeline stage shares: where outputs go and which settings layers apply. */
final class StudyOptions {
  private StudyOptions() {}

  static Options add(Options o, String defaultStudy) {
    return o.value("--out", "DIR", "run folder: inputs of later stages and outputs (local path or any Hadoop URI)")
        .value("--study", "NAME|FILE", "study settings: conf/studies/NAME.conf or a HOCON file", defaultStudy)
        .value("--profile", "local|cluster|FILE", "settings profile", "local")
        .repeatable("--set", "KEY=VALUE", "override one setting, e.g. --set cercania.years.to=2020");
  }

  /** Settings for the parsed options; {@code cercania.out} is the --out folder. */
  static Settings settings(Options o) {
    return settings(o, o.get("--out"));
  }

  /** Settings for the parsed options with {@code out} (when not null) as {@code cercania.out}. */
  static Settings settings(Options o, String out) {
    Map<String, String> overrides = new LinkedHashMap<>();
    for (String kv : o.all("--set")) {
      int eq = kv.indexOf('=');
      if (eq <= 0) {
        throw Errors.badOptionValue("--set", kv, "KEY=VALUE");
      }
      overrides.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
    }
    if (o.get("--as-of") != null) {
      overrides.put("cercania.as_of", o.get("--as-of"));
    }
    if (out != null) {
      overrides.put("cercania.out", out.replaceAll("/+$", ""));
    }
    String study = o.get("--study");
    return Settings.load(o.get("--profile"), study == null || study.isEmpty() ? null : study, overrides);
  }
}
