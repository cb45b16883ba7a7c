package org.cercania.trial;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Rejection rates at 5% and interval coverage per scenario and arm (and over all arms) from
 * {@link TrialMonteCarlo} replications, with the Monte Carlo standard error of a 5% rate.
 */
public final class MonteCarloSummary {
  /** One scenario x contrast (contrast "all arms" pools them). */
  public record Line(String scenario, String contrast, int replications, double truth, double meanEstimate, double rejectCrve,
      double rejectWild, double rejectRi, double coverageCrve, double coverageWild, double meanWidthCrve, double meanWidthWild) {}

  private MonteCarloSummary() {}

  public static List<Line> of(List<TrialMonteCarlo.Rep> reps, double crit) {
    Map<String, List<TrialMonteCarlo.Rep>> groups = new LinkedHashMap<>();
    Map<String, List<TrialMonteCarlo.Rep>> overall = new LinkedHashMap<>();
    for (TrialMonteCarlo.Rep r : reps) {
      groups.computeIfAbsent(r.scenario() + "\u0000" + r.contrast(), k -> new ArrayList<>()).add(r);
      overall.computeIfAbsent(r.scenario() + "\u0000all arms", k -> new ArrayList<>()).add(r);
    }
    groups.putAll(overall);
    List<Line> out = new ArrayList<>();
    for (Map.Entry<String, List<TrialMonteCarlo.Rep>> e : groups.entrySet()) {
      List<TrialMonteCarlo.Rep> g = e.getValue();
      String[] key = e.getKey().split("\u0000");
      double n = g.size();
      boolean pooled = key[1].equals("all arms");
      out.add(new Line(key[0], key[1], pooled ? (int) g.stream().mapToInt(TrialMonteCarlo.Rep::replication).distinct().count() : g.size(),
          pooled ? Double.NaN : g.get(0).truth(), g.stream().mapToDouble(TrialMonteCarlo.Rep::estimate).sum() / n,
          g.stream().filter(r -> r.pCrve() < 0.05).count() / n, g.stream().filter(r -> r.pWild() < 0.05).count() / n,
          g.stream().filter(r -> r.pRi() < 0.05).count() / n, g.stream().filter(TrialMonteCarlo.Rep::coveredCrve).count() / n,
          g.stream().filter(TrialMonteCarlo.Rep::coveredWild).count() / n,
          g.stream().mapToDouble(r -> 2 * crit * r.crveSe()).sum() / n,
          g.stream().mapToDouble(r -> r.wildUpper() - r.wildLower()).sum() / n));
    }
    return out;
  }

  public static String report(List<Line> lines) {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "%-8s %-22s %6s %8s %9s | %-23s | %-15s | %-17s%n", "scenario", "contrast", "reps", "truth",
        "mean est", "reject at 5%: CR1 wild RI", "coverage CR1 wild", "mean width CR1 wild"));
    for (Line l : lines) {
      b.append(String.format(Locale.ROOT, "%-8s %-22s %6d %8.3f %9.4f | %7.1f%% %6.1f%% %6.1f%% | %6.1f%% %6.1f%% | %8.4f %8.4f%n",
          l.scenario(), l.contrast(), l.replications(), l.truth(), l.meanEstimate(), 100 * l.rejectCrve(), 100 * l.rejectWild(),
          100 * l.rejectRi(), 100 * l.coverageCrve(), 100 * l.coverageWild(), l.meanWidthCrve(), l.meanWidthWild()));
    }
    return b.toString();
  }
}
