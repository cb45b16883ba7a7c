package org.cercania.trial;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.cercania.testing.Console;
import org.cercania.testing.SparkExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code trial assign}: byte-for-byte reproducible from the seed, balanced within strata, clear errors on bad station files. */
@ExtendWith(SparkExtension.class)
class TrialAssignTest {
  static final String HEADER = "station_id,zone,reports_2017,officers,female_officer_share,district_poverty\n";

  static Path stations(Path dir, String name, List<String> lines) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, HEADER + String.join("\n", lines) + "\n");
    return f;
  }

  static List<String> sampleLines() {
    List<String> lines = new ArrayList<>();
    for (Station s : TrialSimulation.stations(4)) {
      double[] x = s.covariates();
      lines.add(s.id() + "," + s.stratum() + "," + x[0] + "," + x[1] + "," + x[2] + "," + x[3]);
    }
    return lines;
  }

  static Console.Run assign(Path units, Path out, String seed, String... extra) {
    List<String> args = new ArrayList<>(List.of("trial", "assign", "--units", units.toString(), "--draw", "16", "--strata", "zone",
        "--seed", seed, "--balance-draws", "200", "--out", out.toString()));
    args.addAll(List.of(extra));
    return Console.main(args.toArray(new String[0]));
  }

  @Test
  void sameSeedSameBytesWhateverTheRowOrder(SparkSession spark, @TempDir Path dir) throws IOException {
    List<String> lines = sampleLines();
    Path units = stations(dir, "stations.csv", lines);
    List<String> shuffled = new ArrayList<>(lines);
    Collections.shuffle(shuffled, new java.util.Random(1));
    Path units2 = stations(dir, "shuffled.csv", shuffled);
    assertEquals(0, assign(units, dir.resolve("a"), "42").code());
    assertEquals(0, assign(units, dir.resolve("b"), "42").code());
    assertEquals(0, assign(units, dir.resolve("c"), "43").code());
    assertEquals(0, assign(units2, dir.resolve("d"), "42").code());
    byte[] a = Files.readAllBytes(dir.resolve("a").resolve(AssignmentFile.CSV));
    assertArrayEquals(a, Files.readAllBytes(dir.resolve("b").resolve(AssignmentFile.CSV)));
    assertFalse(java.util.Arrays.equals(a, Files.readAllBytes(dir.resolve("c").resolve(AssignmentFile.CSV))));
    // the row column differs in a shuffled file; station, stratum and arm do not
    assertEquals(withoutRow(dir.resolve("a")), withoutRow(dir.resolve("d")));
    assertEquals(104, spark.read().parquet(dir.resolve("a").resolve("trial_assignment").toString()).count());
  }

  static Map<String, String> withoutRow(Path out) throws IOException {
    Map<String, String> m = new HashMap<>();
    for (String line : Files.readAllLines(out.resolve(AssignmentFile.CSV)).subList(1, 105)) {
      String[] f = line.split(",", -1);
      m.put(f[0], f[1] + "," + f[3] + "," + f[4]);
    }
    return m;
  }

  @Test
  void balancedWithinStrataForManySeeds() {
    List<Station> stations = TrialSimulation.stations(4);
    for (long seed = 0; seed < 200; seed++) {
      StationAssignment.Result r = new StationAssignment(TrialSimulation.ARMS, 16, seed, null).assign(null, stations, List.of());
      Map<String, int[]> counts = new HashMap<>();
      for (int g = 0; g < 16; g++) {
        counts.computeIfAbsent(r.drawn().get(g).stratum(), k -> new int[4])[r.armOf()[g]]++;
      }
      assertEquals(4, counts.size());
      counts.values().forEach(c -> assertArrayEquals(new int[] {1, 1, 1, 1}, c));
    }
  }

  @Test
  void reRandomisationRuleHolds() {
    List<Station> stations = TrialSimulation.stations(4);
    BalanceRule rule = new BalanceRule(TrialSimulation.STATION_COVARIATES, 0.5, 100_000);
    StationAssignment design = new StationAssignment(TrialSimulation.ARMS, 16, 7, rule);
    StationAssignment.Result r = design.assign(null, stations, TrialSimulation.STATION_COVARIATES);
    double[][] x = r.drawn().stream().map(Station::covariates).toArray(double[][]::new);
    for (int j = 0; j < x[0].length; j++) {
      double[] control = column(x, r.armOf(), j, 0);
      for (int a = 1; a < 4; a++) {
        double[] arm = column(x, r.armOf(), j, a);
        double d = Math.abs(mean(arm) - mean(control)) / Math.sqrt((var(arm) + var(control)) / 2);
        assertTrue(d <= 0.5, "covariate " + j + " arm " + a + ": " + d);
      }
    }
    assertTrue(r.tries() > 1, "a 0.5 threshold on four covariates rejects the first draw for this seed");
  }

  @Test
  void badStationFilesNameTheFileAndRow(SparkSession spark, @TempDir Path dir) throws IOException {
    List<String> lines = sampleLines();
    List<String> dup = new ArrayList<>(lines);
    dup.set(9, lines.get(2));
    Console.Run r = assign(stations(dir, "dup.csv", dup), dir.resolve("o1"), "1");
    assertEquals(3, r.code());
    assertTrue(r.err().contains("dup.csv row 10, field 'station_id': value 'PNP-LIM-003' already appears in row 3"), r.err());

    List<String> noStratum = new ArrayList<>(lines);
    noStratum.set(6, lines.get(6).replaceFirst(",[^,]*", ",")); // the zone (second field) emptied
    r = assign(stations(dir, "nostratum.csv", noStratum), dir.resolve("o2"), "1");
    assertEquals(3, r.code());
    assertTrue(r.err().contains("nostratum.csv row 7, field 'zone': the value is empty"), r.err());

    r = assign(stations(dir, "few.csv", lines.subList(0, 12)), dir.resolve("o3"), "1");
    assertEquals(3, r.code());
    assertTrue(r.err().contains("few.csv: the file has 12 units (data rows), the draw needs 16"), r.err());
  }

  private static double[] column(double[][] x, int[] armOf, int j, int arm) {
    List<Double> v = new ArrayList<>();
    for (int g = 0; g < x.length; g++) {
      if (armOf[g] == arm) {
        v.add(x[g][j]);
      }
    }
    return v.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static double mean(double[] v) {
    return java.util.Arrays.stream(v).average().orElseThrow();
  }

  private static double var(double[] v) {
    double m = mean(v);
    return java.util.Arrays.stream(v).map(a -> (a - m) * (a - m)).sum() / (v.length - 1);
  }
}
