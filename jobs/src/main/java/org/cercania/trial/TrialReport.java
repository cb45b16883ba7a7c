package org.cercania.trial;

import java.util.List;
import java.util.Locale;

/** The printed summaries of {@code trial estimate}. */
public final class TrialReport {
  private TrialReport() {}

  public static String effects(List<TrialEffects.Effect> effects, TrialEffects.Settings s) {
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-26s %-22s %9s %8s %7s %7s %7s %7s %7s  %-21s%n", "outcome",
        "contrast", "estimate", "CR1 se", "CR1 p", "wild p", "RI p", "RW p", "q", "wild " + Math.round(100 * s.level()) + "% CI"));
    for (TrialEffects.Effect e : effects) {
      b.append(String.format(Locale.ROOT, "%-26s %-22s %9.4f %8.4f %7.3f %7.3f %7.3f %7.3f %7.3f  [%8.4f, %8.4f]%n", e.outcome(),
          e.contrast(), e.estimate(), e.crveSe(), e.crveP(), e.wildP(), e.riP(), e.romanoWolfP(), e.sharpenedQ(), e.wildLower(),
          e.wildUpper()));
    }
    TrialEffects.Effect first = effects.get(0);
    b.append(String.format(Locale.ROOT, "G = %d clusters; wild cluster restricted bootstrap-t, %s weights, %d draws; RI: %d"
        + " re-assignments; RW = Romano-Wolf, q = sharpened q-value, both across the outcomes of each contrast; seed %d",
        first.clusters(), first.weights(), first.draws(), s.riDraws(), s.seed()));
    return b.toString();
  }

  public static String attrition(List<Attrition.Line> lines) {
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%nAttrition%n%-12s %7s %9s %9s %9s %9s %8s %11s%n", "arm", "women",
        "baseline", "expected", "observed", "missing", "diff", "wild p"));
    for (Attrition.Line l : lines) {
      b.append(String.format(Locale.ROOT, "%-12s %7d %9d %9d %9d %8.2f%% %8s %11s%n", l.arm(), l.women(), l.baselineWomen(),
          l.expectedMonths(), l.observedMonths(), 100 * l.missingShare(),
          l.diffVsControl() == null ? "" : String.format(Locale.ROOT, "%.2f%%", 100 * l.diffVsControl()),
          l.wildP() == null ? "" : String.format(Locale.ROOT, "%.3f", l.wildP())));
    }
    return b.toString();
  }
}
