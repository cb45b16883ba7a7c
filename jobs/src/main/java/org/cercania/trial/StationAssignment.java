package org.cercania.trial;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.cercania.errors.Errors;

/**
 * Draws a trial: {@code draw} stations out of the file, allocated to strata in whole blocks of one
 * station per arm (blocks in proportion to the strata's sizes, largest remainder, ties by stratum
 * name), drawn at random within each stratum, then assigned to arms by {@link ArmAssignment} (equal
 * arms within every stratum; re-randomised until a {@link BalanceRule} passes when one is given).
 * Stations are sorted by id first and every random number comes from one generator seeded by
 * {@code seed}, so the same file and seed give the same trial whatever the row order.
 */
public final class StationAssignment {
  /** The drawn stations in stratum then id order, each with its arm index, and the draws re-randomisation took. */
  public record Result(List<Station> drawn, int[] armOf, int tries, Map<String, Integer> allocation) {}

  private final List<String> arms;
  private final int draw;
  private final long seed;
  private final BalanceRule rule;

  public StationAssignment(List<String> arms, int draw, long seed, BalanceRule rule) {
    if (arms.size() < 2) {
      throw Errors.usage("a trial needs at least two arms (control first); --arms has " + arms.size());
    }
    if (draw <= 0 || draw % arms.size() != 0) {
      throw Errors.badOptionValue("--draw", Integer.toString(draw), "a positive multiple of the " + arms.size() + " arms");
    }
    this.arms = List.copyOf(arms);
    this.draw = draw;
    this.seed = seed;
    this.rule = rule;
  }

  public List<String> arms() {
    return arms;
  }

  public Result assign(Path file, List<Station> stations, List<String> covariateNames) {
    if (stations.size() < draw) {
      throw Errors.tooFewUnits(file, "the file", stations.size(), draw);
    }
    Map<String, List<Station>> strata = new TreeMap<>();
    stations.stream().sorted(Comparator.comparing(Station::id)).forEach(s -> strata.computeIfAbsent(s.stratum(), k -> new ArrayList<>()).add(s));
    Map<String, Integer> allocation = allocate(strata);
    SplittableRandom rng = new SplittableRandom(seed);
    List<Station> drawn = new ArrayList<>();
    for (Map.Entry<String, List<Station>> e : strata.entrySet()) {
      int n = allocation.get(e.getKey());
      if (n > e.getValue().size()) {
        throw Errors.tooFewUnits(file, "stratum '" + e.getKey() + "'", e.getValue().size(), n);
      }
      List<Station> pool = new ArrayList<>(e.getValue());
      List<Station> chosen = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        chosen.add(pool.remove(rng.nextInt(pool.size())));
      }
      chosen.sort(Comparator.comparing(Station::id));
      drawn.addAll(chosen);
    }
    ArmAssignment.Draw d = procedure(drawn, covariateNames).draw(rng);
    return new Result(drawn, d.armOf(), d.tries(), allocation);
  }

  /** The arm-assignment procedure on the drawn stations (what randomisation inference re-runs). */
  public ArmAssignment procedure(List<Station> drawn, List<String> covariateNames) {
    double[][] x = null;
    if (rule != null) {
      x = new double[drawn.size()][];
      int[] idx = rule.covariates().stream().mapToInt(c -> {
        int i = covariateNames.indexOf(c);
        if (i < 0) {
          throw Errors.badOptionValue("--balance-on", c, "a numeric column of the units file (" + String.join(", ", covariateNames) + ")");
        }
        return i;
      }).toArray();
      for (int g = 0; g < x.length; g++) {
        x[g] = new double[idx.length];
        for (int j = 0; j < idx.length; j++) {
          x[g][j] = drawn.get(g).covariates()[idx[j]];
        }
      }
    }
    return new ArmAssignment(drawn.stream().map(Station::stratum).toList(), arms.size(), x, rule);
  }

  /** Blocks of one station per arm, given to strata in proportion to their sizes (largest remainder). */
  private Map<String, Integer> allocate(Map<String, List<Station>> strata) {
    int blocks = draw / arms.size();
    int total = strata.values().stream().mapToInt(List::size).sum();
    Map<String, Integer> out = new TreeMap<>();
    List<String> names = new ArrayList<>(strata.keySet());
    double[] rem = new double[names.size()];
    int given = 0;
    for (int i = 0; i < names.size(); i++) {
      double share = (double) blocks * strata.get(names.get(i)).size() / total;
      int whole = (int) Math.floor(share);
      out.put(names.get(i), whole);
      rem[i] = share - whole;
      given += whole;
    }
    while (given < blocks) {
      int best = 0;
      for (int i = 1; i < rem.length; i++) {
        if (rem[i] > rem[best] + 1e-12) {
          best = i;
        }
      }
      out.merge(names.get(best), 1, Integer::sum);
      rem[best] = -1;
      given++;
    }
    out.replaceAll((k, v) -> v * arms.size());
    return out;
  }
}
