package org.cercania.runs;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.cercania.config.Settings;
import org.cercania.errors.Errors;

/**
 * What makes a run what it is: the SHA-256 of every input file, the hash of the settings that shape
 * the results, and the as-of date. The run id is derived from them ({@code <study>-<as-of|latest>-<12 hex>}),
 * so a rerun with the same inputs, settings and as-of date gets the same id and replaces its own rows.
 */
public record RunIdentity(String runId, String configHash, Map<String, String> inputSha256) {
  /** Settings that do not change what a run computes, left out of the settings hash. */
  static final List<String> NOT_HASHED = List.of("cercania.out", "cercania.inputs", "cercania.retention", "cercania.lock",
      "cercania.peru");

  /** The identity of a run of {@code s} on {@code files} (source to path); the id is {@code given} when not null. */
  public static RunIdentity of(Settings s, Map<String, String> files, LocalDate asOf, String given, Configuration conf) {
    Map<String, String> sha = new LinkedHashMap<>();
    files.forEach((source, file) -> sha.put(source, sha256(file, conf)));
    String configHash = configHash(s);
    if (given != null) {
      return new RunIdentity(given, configHash, sha);
    }
    StringBuilder all = new StringBuilder("settings=").append(configHash).append("\nas_of=").append(asOf).append('\n');
    sha.forEach((source, h) -> all.append(source).append('=').append(h).append('\n'));
    String id = study(s) + "-" + (asOf == null ? "latest" : asOf.toString().replace("-", "")) + "-"
        + hex(digest().digest(all.toString().getBytes(StandardCharsets.UTF_8))).substring(0, 12);
    return new RunIdentity(id, configHash, sha);
  }

  /** The study name (cercania.study, {@code default} when the settings name none). */
  public static String study(Settings s) {
    return s.has("cercania.study") ? s.string("cercania.study") : "default";
  }

  /** SHA-256 of the resolved settings without {@link #NOT_HASHED} (keys sorted, so the order of the files does not matter). */
  public static String configHash(Settings s) {
    Config c = s.raw();
    for (String p : NOT_HASHED) {
      c = c.withoutPath(p);
    }
    String text = c.hasPath("cercania") ? c.getConfig("cercania").root().render(ConfigRenderOptions.concise()) : "";
    return hex(digest().digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  /** SHA-256 of a file (local path or any Hadoop URI), streamed. */
  public static String sha256(String file, Configuration conf) {
    MessageDigest md = digest();
    Path p = new Path(file);
    try (InputStream in = p.getFileSystem(conf).open(p)) {
      byte[] buf = new byte[1 << 16];
      for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
        md.update(buf, 0, n);
      }
    } catch (java.io.FileNotFoundException e) {
      throw Errors.inputMissing(file);
    } catch (IOException e) {
      throw Errors.inputUnreadable(file, "cannot read it to checksum it: " + e.getMessage(), e);
    }
    return hex(md.digest());
  }

  private static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("no SHA-256 in this JVM", e);
    }
  }

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }
}
