package org.cercania.trial;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.cercania.errors.Errors;

/**
 * {@code sample --trial}: writes the synthetic trial as the files a user would bring: stations.csv
 * (104 stations, zone strata, baseline covariates), panel.csv (the 1,600 women of the 16 stations drawn
 * by {@link StationAssignment} with the same seed, months 0..12, rows missing after a woman leaves) and
 * truth.csv (the planted intention-to-treat effects, schemas/trial_truth.json). {@code trial assign}
 * with the same seed, 16 draws and strata "zone" reproduces the panel's arms.
 */
public final class TrialSample {
  public static final String STRATA = "zone";

  private TrialSample() {}

  /** Writes the three files under {@code dir}; returns rows per file. */
  public static Map<String, Long> write(Path dir, long seed) {
    List<Station> stations = TrialSimulation.stations(seed);
    StationAssignment design = new StationAssignment(TrialSimulation.ARMS, TrialSimulation.DRAW, seed, null);
    StationAssignment.Result a = design.assign(dir.resolve("stations.csv"), stations, TrialSimulation.STATION_COVARIATES);
    double[][] effects = TrialSimulation.effects(true);
    TrialSimulation.Women w = new TrialSimulation(100).women(a.drawn().size(), a.armOf(), effects, seed);
    Map<String, Long> rows = new LinkedHashMap<>();
    try {
      Files.createDirectories(dir);
      rows.put("stations.csv", stationsCsv(dir.resolve("stations.csv"), stations));
      rows.put("panel.csv", panelCsv(dir.resolve("panel.csv"), a, w));
      rows.put("truth.csv", truthCsv(dir.resolve("truth.csv"), effects));
    } catch (IOException e) {
      throw Errors.output(dir, e.getMessage(), e);
    }
    return rows;
  }

  private static long stationsCsv(Path file, List<Station> stations) throws IOException {
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      out.write("station_id," + STRATA + "," + String.join(",", TrialSimulation.STATION_COVARIATES) + "\n");
      for (Station s : stations) {
        double[] x = s.covariates();
        out.write(String.format(Locale.ROOT, "%s,%s,%.0f,%.0f,%.2f,%.3f%n", s.id(), s.stratum(), x[0], x[1], x[2], x[3]));
      }
    }
    return stations.size();
  }

  private static long panelCsv(Path file, StationAssignment.Result a, TrialSimulation.Women w) throws IOException {
    long n = 0;
    List<String> outcomes = TrialSimulation.OUTCOMES;
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      out.write("woman_id,station_id," + STRATA + ",arm,month," + String.join(",", TrialSimulation.Women.COVARIATES) + ","
          + String.join(",", outcomes) + "\n");
      for (int i = 0; i < w.clusterOf().length; i++) {
        Station s = a.drawn().get(w.clusterOf()[i]);
        String arm = TrialSimulation.ARMS.get(a.armOf()[w.clusterOf()[i]]);
        double[] c = w.covariates()[i];
        for (int t = 0; t <= w.lastMonth()[i]; t++) {
          StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "W%04d,%s,%s,%s,%d,%.0f,%.0f,%.0f", i + 1, s.id(),
              s.stratum(), arm, t, c[0], c[1], c[2]));
          for (int o = 0; o < outcomes.size(); o++) {
            double y = w.y()[o][i][t];
            b.append(o < 4 ? String.format(Locale.ROOT, ",%.0f", y) : String.format(Locale.ROOT, ",%.3f", y));
          }
          out.write(b.append('\n').toString());
          n++;
        }
      }
    }
    return n;
  }

  private static long truthCsv(Path file, double[][] effects) throws IOException {
    long n = 0;
    List<Contrast> contrasts = Contrast.all(TrialSimulation.ARMS);
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      out.write("outcome,contrast,effect\n");
      for (int o = 0; o < effects.length; o++) {
        for (Contrast c : contrasts) {
          double e = effects[o][c.arm() - 1] - (c.versus() > 0 ? effects[o][c.versus() - 1] : 0);
          out.write(String.format(Locale.ROOT, "%s,%s,%s%n", TrialSimulation.OUTCOMES.get(o), c.name(), Double.toString(e)));
          n++;
        }
      }
    }
    return n;
  }
}
