package org.cercania.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Assumptions;

/** Paths of the repository and of ../shared beside it, as surefire passes them. */
public final class Repo {
  private Repo() {}

  public static Path root() {
    return Paths.get(System.getProperty("cercania.repo", "..")).toAbsolutePath().normalize();
  }

  /** {@code ../shared/data/<sub>} beside the repository; the test is skipped when it is absent. */
  public static Path sharedData(String sub) {
    Path p = root().resolve("../shared/data").resolve(sub).normalize();
    Assumptions.assumeTrue(Files.exists(p), "shared data not present: " + p);
    return p;
  }
}
