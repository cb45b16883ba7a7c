package org.cercania.trial;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.cercania.errors.Errors;

/**
 * The assignment of arms to the drawn clusters: within each stratum the clusters (in the given order)
 * are shuffled and split into equal blocks, one per arm, so every stratum is balanced across arms.
 * With a {@link BalanceRule} the draw is repeated until the rule passes. The same procedure assigns
 * the trial and, under the sharp null, re-assigns it for randomisation inference.
 */
public final class ArmAssignment {
  /** One assignment: the arm of every cluster and how many draws it took. */
  public record Draw(int[] armOf, int tries) {}

  private final int arms;
  private final int[][] strata;
  private final double[][] covariates;
  private final BalanceRule rule;

  /**
   * @param stratumOf the stratum of each cluster
   * @param arms number of arms (0 = control)
   * @param covariates balance covariates per cluster (used only with a rule; may be null without one)
   * @param rule re-randomisation rule, or null
   */
  public ArmAssignment(List<String> stratumOf, int arms, double[][] covariates, BalanceRule rule) {
    this.arms = arms;
    this.covariates = covariates;
    this.rule = rule;
    Map<String, List<Integer>> by = new LinkedHashMap<>();
    for (int i = 0; i < stratumOf.size(); i++) {
      by.computeIfAbsent(stratumOf.get(i), s -> new ArrayList<>()).add(i);
    }
    strata = new int[by.size()][];
    int s = 0;
    for (Map.Entry<String, List<Integer>> e : by.entrySet()) {
      if (e.getValue().size() % arms != 0) {
        throw Errors.usage("stratum '" + e.getKey() + "' has " + e.getValue().size() + " drawn clusters, not a multiple of the "
            + arms + " arms; arms cannot be balanced within it");
      }
      strata[s++] = e.getValue().stream().mapToInt(Integer::intValue).toArray();
    }
  }

  public int clusters() {
    int n = 0;
    for (int[] s : strata) {
      n += s.length;
    }
    return n;
  }

  /** One assignment from {@code rng}, honouring the rule. */
  public Draw draw(SplittableRandom rng) {
    int[] armOf = new int[clusters()];
    int limit = rule == null ? 1 : rule.maxTries();
    for (int tries = 1; tries <= limit; tries++) {
      once(rng, armOf);
      if (rule == null || rule.passes(covariates, armOf, arms)) {
        return new Draw(armOf, tries);
      }
    }
    throw Errors.estimation("re-randomisation", "no assignment in " + limit + " draws passes the rule: " + rule.describe()
        + "; relax --max-std-diff or balance on fewer covariates");
  }

  private void once(SplittableRandom rng, int[] armOf) {
    for (int[] members : strata) {
      int[] order = members.clone();
      for (int i = order.length - 1; i > 0; i--) {
        int j = rng.nextInt(i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
      int per = order.length / arms;
      for (int i = 0; i < order.length; i++) {
        armOf[order[i]] = i / per;
      }
    }
  }
}
