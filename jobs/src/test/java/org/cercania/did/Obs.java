package org.cercania.did;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/** One panel row held in the test JVM, for brute-force computations independent of the Spark code. */
public record Obs(String unit, int time, int cohort, double y, double w, String cluster) {

  public boolean treated() {
    return cohort > 0 && time >= cohort;
  }

  /** mpdta.csv parsed directly (unit countyreal, time year, cohort first.treat, outcome lemp). */
  public static List<Obs> mpdta() {
    try {
      List<String> lines = Files.readAllLines(Mpdta.dir().resolve("mpdta.csv"));
      List<Obs> out = new ArrayList<>();
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.split(",");
        out.add(new Obs(f[1], Integer.parseInt(f[0]), Integer.parseInt(f[4]), Double.parseDouble(f[3]), 1.0, f[1]));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The rows of a simulated panel. */
  public static List<Obs> of(SimPanel sim) {
    List<Obs> out = new ArrayList<>();
    for (int i = 0; i < sim.cohort.length; i++) {
      for (int j = 0; j < sim.periods.length; j++) {
        out.add(new Obs(String.valueOf(i), sim.periods[j], sim.cohort[i], sim.y[i][j], sim.weight[i], sim.cluster[i]));
      }
    }
    return out;
  }
}
