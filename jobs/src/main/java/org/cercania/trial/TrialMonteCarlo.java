package org.cercania.trial;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * Simulated trials, each drawn and analysed as {@code trial assign} and {@code trial estimate} would:
 * the stations are drawn and assigned with a fresh seed by {@link StationAssignment}, women's outcomes
 * simulated by {@link TrialSimulation} (no effect, or the planted effects), the per-cluster sums of the
 * fixed-effects specification built on the driver ({@link PanelCrossProducts}: no Spark job per
 * replication), then per arm against control: CR1 with t(G-1), the wild cluster restricted bootstrap
 * (p-value and inverted interval) and randomisation inference re-running the assignment.
 */
public final class TrialMonteCarlo {
  /** One replication x scenario x arm. */
  public record Rep(String scenario, int replication, String contrast, double truth, double estimate, double crveSe,
      double pCrve, double pWild, double pRi, boolean coveredCrve, boolean coveredWild, double wildLower, double wildUpper) {}

  private final int women;
  private final int draws;
  private final int riDraws;
  private final String outcome;
  private final long seed;

  public TrialMonteCarlo(int womenPerStation, int draws, int riDraws, String outcome, long seed) {
    this.women = womenPerStation;
    this.draws = draws;
    this.riDraws = riDraws;
    this.outcome = outcome;
    this.seed = seed;
  }

  /** Runs {@code reps} replications of a scenario on {@code threads} threads; {@code done} hears each finished one. */
  public List<Rep> run(boolean planted, int reps, int threads, IntConsumer done) {
    List<Station> stations = TrialSimulation.stations(seed);
    List<List<Rep>> out = new ArrayList<>();
    for (int r = 0; r < reps; r++) {
      out.add(null);
    }
    ForkJoinPool pool = new ForkJoinPool(threads);
    try {
      pool.submit(() -> IntStream.range(0, reps).parallel().forEach(r -> {
        out.set(r, replication(stations, planted, r));
        done.accept(r);
      })).get();
    } catch (InterruptedException | ExecutionException e) {
      throw new IllegalStateException(e.getCause() != null ? e.getCause() : e);
    } finally {
      pool.shutdown();
    }
    List<Rep> all = new ArrayList<>();
    out.forEach(all::addAll);
    return all;
  }

  List<Rep> replication(List<Station> stations, boolean planted, int r) {
    long repSeed = new SplittableRandom(seed * 1_000_003L + r * 7919L + (planted ? 1 : 0)).nextLong();
    StationAssignment design = new StationAssignment(TrialSimulation.ARMS, TrialSimulation.DRAW, repSeed, null);
    StationAssignment.Result a = design.assign(null, stations, TrialSimulation.STATION_COVARIATES);
    int o = TrialSimulation.OUTCOMES.indexOf(outcome);
    double[][] effects = TrialSimulation.effects(planted);
    TrialSimulation.Women w = new TrialSimulation(women).women(a.drawn().size(), a.armOf(), effects, repSeed);
    List<String> ids = a.drawn().stream().map(Station::id).toList();
    ClusterCrossProducts cp = PanelCrossProducts.fixedEffects(w.y()[o], w.clusterOf(), ids);
    int arms = TrialSimulation.ARMS.size();
    ClusterRegression reg = cp.regression(a.armOf(), arms);
    List<Contrast> contrasts = Contrast.all(TrialSimulation.ARMS).subList(0, arms - 1);
    ArmAssignment procedure = design.procedure(a.drawn(), TrialSimulation.STATION_COVARIATES);
    double[] pRi = RandomizationInference.pValues(cp, arms, a.armOf(), contrasts, procedure, riDraws, repSeed ^ 0x5DEECE66DL);
    TDistribution t = new TDistribution(null, cp.clusterCount() - 1);
    double crit = t.inverseCumulativeProbability(0.975);
    List<Rep> rows = new ArrayList<>();
    for (int c = 0; c < contrasts.size(); c++) {
      double[] rv = contrasts.get(c).vector(reg.regressors());
      WildClusterBootstrap.Result wb = WildClusterBootstrap.test(reg, rv, BootstrapWeights.forClusters(cp.clusterCount()), draws,
          repSeed + c, 0.95);
      double truth = effects[o][c];
      double pCrve = 2 * (1 - t.cumulativeProbability(Math.abs(wb.t())));
      rows.add(new Rep(planted ? "planted" : "null", r, contrasts.get(c).name(), truth, wb.estimate(), wb.crveSe(), pCrve, wb.p(),
          pRi[c], Math.abs(wb.estimate() - truth) <= crit * wb.crveSe(), wb.lower() <= truth && truth <= wb.upper(), wb.lower(),
          wb.upper()));
    }
    return rows;
  }
}
