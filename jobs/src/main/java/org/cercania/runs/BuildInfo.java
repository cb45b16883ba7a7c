package org.cercania.runs;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The code a run ran: the git revision embedded in the jar at build time ({@code cercania-build.properties},
 * written by Maven from {@code -Dgit.revision}; bin/cercania passes it), else {@code git rev-parse HEAD}
 * in the working directory, else {@code unknown}.
 */
public final class BuildInfo {
  private static volatile String revision;

  private BuildInfo() {}

  public static String gitRevision() {
    if (revision == null) {
      String r = embedded();
      revision = r != null ? r : fromGit();
    }
    return revision;
  }

  private static String embedded() {
    try (InputStream in = BuildInfo.class.getClassLoader().getResourceAsStream("cercania-build.properties")) {
      if (in == null) {
        return null;
      }
      Properties p = new Properties();
      p.load(in);
      String r = p.getProperty("git.revision", "").trim();
      return r.isEmpty() || r.startsWith("${") || r.equals("unknown") ? null : r;
    } catch (java.io.IOException e) {
      return null;
    }
  }

  private static String fromGit() {
    try {
      Process p = new ProcessBuilder("git", "rev-parse", "HEAD").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 && out.matches("[0-9a-f]{40}")) {
        return out;
      }
    } catch (java.io.IOException e) {
      // no git here: a cluster node, a container
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return "unknown";
  }
}
