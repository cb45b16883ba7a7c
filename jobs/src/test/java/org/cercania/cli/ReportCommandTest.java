package org.cercania.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.cercania.testing.Console;
import org.cercania.testing.Repo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cercania report}'s errors before any notebook runs (RunSampleIT renders a real report). */
class ReportCommandTest {

  @Test
  void aRunWithoutPublishedTablesSaysWhichCommandMakesThem(@TempDir Path out) {
    Console.Run r = Console.main("report", "--out", out.toString(), "--notebooks", Repo.root().resolve("notebooks").toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("no published tables under " + out + "/published; run 'cercania run'"), r.err());
  }

  @Test
  void missingPythonPackagesAreNamedWithTheInstallLine(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("published"));
    // A stand-in interpreter whose probe reports two modules as missing.
    Path python = dir.resolve("python3");
    Files.writeString(python, "#!/bin/sh\necho nbclient duckdb\n");
    Files.setPosixFilePermissions(python, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path notebooks = Repo.root().resolve("notebooks");
    Console.Run r = Console.main("report", "--out", dir.toString(), "--notebooks", notebooks.toString(), "--python", python.toString());
    assertEquals(1, r.code());
    assertEquals("cercania report: error [DEPENDENCY_MISSING]: Python package(s) nbclient duckdb not found; install them with: "
        + python + " -m pip install -r " + notebooks.resolve("requirements.txt") + "\n", r.err());
  }

  @Test
  void notebooksFolderWithoutTheRendererIsAnInputError(@TempDir Path dir) {
    Console.Run r = Console.main("report", "--out", dir.toString(), "--notebooks", dir.toString());
    assertEquals(3, r.code());
    assertTrue(r.err().contains("input file not found: " + dir.resolve("report.py")), r.err());
  }
}
