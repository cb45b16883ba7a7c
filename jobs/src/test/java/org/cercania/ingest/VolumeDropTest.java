package org.cercania.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.cercania.errors.CercaniaException;
import org.cercania.errors.Errors;
import org.cercania.io.Manifest;
import org.cercania.io.Pointer;
import org.cercania.io.RunLayout;
import org.cercania.testing.Console;
import org.cercania.testing.Repo;
import org.cercania.testing.SparkExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A source that shrinks by more than cercania.ingest.max_volume_drop against the previous run's manifest stops the run. */
@ExtendWith(SparkExtension.class)
class VolumeDropTest {
  private static final Path BAD = Repo.root().resolve("jobs/src/test/resources/ingest/bad");

  /** The corpus centers file (16 data rows) cut to its first {@code rows} data rows. */
  private static String centers(Path dir, int rows) throws IOException {
    List<String> lines = Files.readAllLines(BAD.resolve("centers.csv"));
    assertEquals(17, lines.size());
    Path f = dir.resolve("centers_" + rows + ".csv");
    Files.write(f, lines.subList(0, rows + 1));
    return f.toString();
  }

  private static Map<String, String> files(String centers) {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("districts", BAD.resolve("districts.csv").toString());
    f.put("centers", centers);
    return f;
  }

  @Test
  void aDropOverTheShareFailsNamedUnlessAccepted(SparkSession spark, @TempDir Path dir) throws IOException {
    String out = dir.resolve("out").toString();
    VolumeGuard guard = new VolumeGuard(0.20, Set.of());
    new IngestJob(spark, new RunLayout(out), "q1", 1.0).volumeGuard(guard).run(files(BAD.resolve("centers.csv").toString()));
    long version = DeltaTable.forPath(spark, out + "/curated/centers").history(1).first().getLong(0);

    // 16 -> 12 rows: a 25% drop, above 20%.
    String twelve = centers(dir, 12);
    CercaniaException e = assertThrows(CercaniaException.class,
        () -> new IngestJob(spark, new RunLayout(out), "q2", 1.0).volumeGuard(guard).run(files(twelve)));
    assertEquals("VOLUME_DROP", e.code());
    assertEquals(Errors.EXIT_INPUT, e.exitCode());
    assertEquals("centers (" + twelve + "): 12 rows read, 16 in the previous run's manifest: a drop of 25.0%, more than the 20.0% "
        + "allowed (cercania.ingest.max_volume_drop). If the smaller source is expected, rerun with --accept-volume-drop centers. "
        + "Nothing was written.", e.getMessage());
    assertEquals(version, DeltaTable.forPath(spark, out + "/curated/centers").history(1).first().getLong(0), "nothing written");

    // 16 -> 13 rows: 18.75%, within 20%: passes, and becomes the next run's reference.
    new IngestJob(spark, new RunLayout(out), "q2", 1.0).volumeGuard(guard).run(files(centers(dir, 13)));
    assertEquals(13, readRows(spark, out));
    // 13 -> 10 rows (23.1%) with the drop accepted for centers passes.
    new IngestJob(spark, new RunLayout(out), "q3", 1.0).volumeGuard(new VolumeGuard(0.20, Set.of("centers"))).run(files(centers(dir, 10)));
    assertEquals(10, readRows(spark, out));
    // A looser setting lets the same drop through without the flag: 10 -> 6 is 40%.
    new IngestJob(spark, new RunLayout(out), "q4", 1.0).volumeGuard(new VolumeGuard(0.5, Set.of())).run(files(centers(dir, 6)));
    assertEquals(6, readRows(spark, out));
  }

  @Test
  void theCommandLineFlagAndTheSettingReachTheGuard(@TempDir Path dir) throws IOException {
    String out = dir.resolve("out").toString();
    String[] base = {"ingest", "--districts", BAD.resolve("districts.csv").toString(), "--out", out,
        "--set", "cercania.ingest.max_reject_rate=1"};
    assertEquals(0, Console.main(with(base, "--centers", BAD.resolve("centers.csv").toString())).code());

    Console.Run refused = Console.main(with(base, "--centers", centers(dir, 8)));
    assertEquals(Errors.EXIT_INPUT, refused.code());
    assertTrue(refused.err().startsWith("cercania ingest: error [VOLUME_DROP]: centers ("), refused.err());
    assertTrue(refused.err().contains("8 rows read, 16 in the previous run's manifest: a drop of 50.0%"), refused.err());

    Console.Run accepted = Console.main(with(base, "--centers", centers(dir, 8), "--accept-volume-drop", "centers"));
    assertEquals(0, accepted.code(), accepted.err());
    assertTrue(accepted.out().contains("[ingest] centers: 8 rows read, 16 in the previous run (-50.0%): accepted (--accept-volume-drop)"),
        accepted.out());

    Console.Run setting = Console.main(with(base, "--centers", centers(dir, 5), "--set", "cercania.ingest.max_volume_drop=0.5"));
    assertEquals(0, setting.code(), "8 -> 5 rows is 37.5%, within 50%: " + setting.err());

    Console.Run unknown = Console.main(with(base, "--centers", centers(dir, 5), "--accept-volume-drop", "centres"));
    assertEquals(Errors.EXIT_USAGE, unknown.code());
    assertTrue(unknown.err().contains("option --accept-volume-drop has value 'centres', expected a source: districts, population"),
        unknown.err());
  }

  /** Rows of centers read by the run last ingested (runs/LATEST), from its manifest. */
  private static long readRows(SparkSession spark, String out) {
    RunLayout layout = new RunLayout(out);
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    JsonNode ingest = Manifest.read(conf, layout.runManifest(Pointer.read(conf, layout.latest()))).get("ingest");
    return ingest.get("sources").get("centers").get("rows_read").asLong();
  }

  private static String[] with(String[] base, String... more) {
    String[] all = Arrays.copyOf(base, base.length + more.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return all;
  }
}
