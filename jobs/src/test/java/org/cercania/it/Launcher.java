package org.cercania.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.cercania.testing.Repo;

/** Runs bin/cercania (a real spark-submit in its own JVM) and captures what it prints. */
final class Launcher {
  record Result(int exitCode, String output, double seconds) {}

  private Launcher() {}

  static Result run(Path log, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Repo.root().resolve("bin/cercania").toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("CERCANIA_DRIVER_MEMORY", "3g");
    long t0 = System.nanoTime();
    Process p = pb.start();
    if (!p.waitFor(20, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IllegalStateException("bin/cercania " + String.join(" ", args) + " did not finish in 20 minutes");
    }
    String out = Files.readString(log, StandardCharsets.UTF_8);
    System.out.println(out);
    return new Result(p.exitValue(), out, (System.nanoTime() - t0) / 1e9);
  }
}
