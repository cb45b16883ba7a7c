package org.cercania.trial;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The synthetic police home-visit trial: 104 Lima stations in four zones, 16 drawn (4 per arm), 100
 * women per drawn station followed from a baseline month 0 through 12 follow-up months. Four binary
 * outcomes (revised Conflict Tactics Scale prevalences) follow a linear probability model
 *
 * <pre>P(y_it = 1) = base + s_g + u_i + w_gt + e_it + mu_t + tau_arm 1{t > 0}</pre>
 *
 * with a station effect s_g, a woman effect u_i, a station-month AR(1) shock w_gt (rho 0.6) and a
 * woman AR(1) shock e_it (rho 0.5), all bounded so that the probability stays in (0, 1) with no
 * clipping: the planted effect tau is then exactly the intention-to-treat effect on prevalence. The
 * quality of the police response (0-10 score) is Gaussian with the same structure. Women leave the
 * study with probability 1% a month (attrition). Every number comes from a seeded generator.
 */
public final class TrialSimulation {
  public static final List<String> ARMS = List.of("control", "training", "risk_scale", "both");
  public static final List<String> OUTCOMES = List.of("psychological_aggression", "physical_assault", "sexual_coercion",
      "injuries", "police_response_quality");
  public static final List<String> ZONES = List.of("lima_centro", "lima_este", "lima_norte", "lima_sur");
  public static final List<String> STATION_COVARIATES = List.of("reports_2017", "officers", "female_officer_share",
      "district_poverty");
  public static final int STATIONS = 104;
  public static final int DRAW = 16;
  public static final int MONTHS = 12;
  public static final double DROPOUT_PER_MONTH = 0.01;
  /** Planted effects: per outcome, {training, risk_scale, both} against control. */
  static final double[][] EFFECTS = {{-0.04, -0.06, -0.08}, {-0.03, -0.05, -0.06}, {-0.01, -0.02, -0.03},
      {-0.01, -0.02, -0.03}, {0.8, 0.4, 1.0}};
  private static final double[] BASE = {0.40, 0.30, 0.15, 0.12, 5.0};

  private final int womenPerStation;

  public TrialSimulation(int womenPerStation) {
    this.womenPerStation = womenPerStation;
  }

  /** The planted effects, or zeros under the null. */
  public static double[][] effects(boolean planted) {
    double[][] e = new double[EFFECTS.length][];
    for (int o = 0; o < e.length; o++) {
      e[o] = planted ? EFFECTS[o].clone() : new double[EFFECTS[o].length];
    }
    return e;
  }

  /** The 104 stations (26 per zone) with baseline covariates. */
  public static List<Station> stations(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<Station> out = new ArrayList<>();
    for (int i = 0; i < STATIONS; i++) {
      double reports = Math.round(462 * Math.exp(0.4 * gaussian(r) - 0.08));
      double officers = Math.round(40 + reports / 12 + 8 * gaussian(r));
      double female = Math.round(100 * (0.12 + 0.1 * r.nextDouble())) / 100.0;
      double poverty = Math.round(1000 * (0.08 + 0.25 * r.nextDouble())) / 1000.0;
      out.add(new Station(String.format(Locale.ROOT, "PNP-LIM-%03d", i + 1), ZONES.get(i % ZONES.size()), i + 1,
          new double[] {reports, officers, female, poverty}));
    }
    return out;
  }

  /** The women of a drawn trial: per outcome, woman and month 0..12 the outcome (NaN once she has left). */
  public record Women(int[] clusterOf, double[][][] y, double[][] covariates, int[] lastMonth) {
    public static final List<String> COVARIATES = List.of("age", "children", "prior_reports");
  }

  public Women women(int clusters, int[] armOf, double[][] effects, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int n = clusters * womenPerStation;
    int[] clusterOf = new int[n];
    double[][][] y = new double[OUTCOMES.size()][n][MONTHS + 1];
    double[][] cov = new double[n][3];
    int[] last = new int[n];
    for (int i = 0; i < n; i++) {
      clusterOf[i] = i / womenPerStation;
      cov[i] = new double[] {18 + r.nextInt(38), r.nextInt(5), 1 + r.nextInt(5)};
      int t = 1;
      while (t <= MONTHS && r.nextDouble() >= DROPOUT_PER_MONTH) {
        t++;
      }
      last[i] = t - 1;
    }
    for (int o = 0; o < OUTCOMES.size(); o++) {
      boolean binary = o < 4;
      double scale = binary ? BASE[o] / 0.45 : 1;
      double[] station = new double[clusters];
      double[][] shock = new double[clusters][MONTHS + 1];
      for (int g = 0; g < clusters; g++) {
        station[g] = binary ? scale * uniform(r, 0.08) : 0.6 * gaussian(r);
        double w = 0;
        for (int t = 0; t <= MONTHS; t++) {
          w = 0.6 * w + (binary ? scale * uniform(r, 0.03) : 0.3 * gaussian(r));
          shock[g][t] = w;
        }
      }
      for (int i = 0; i < n; i++) {
        int g = clusterOf[i];
        double tau = armOf[g] == 0 ? 0 : effects[o][armOf[g] - 1];
        double u = binary ? scale * (uniform(r, 0.06) + 0.01 * (cov[i][2] - 3)) : 0.8 * gaussian(r) + 0.2 * (cov[i][2] - 3);
        double e = 0;
        for (int t = 0; t <= MONTHS; t++) {
          e = 0.5 * e + (binary ? scale * uniform(r, 0.04) : 0.5 * gaussian(r));
          double mu = 0.01 * scale * Math.sin(t);
          double level = BASE[o] + station[g] + u + shock[g][t] + e + mu + (t > 0 ? tau : 0);
          double draw = binary ? (r.nextDouble() < level ? 1 : 0) : level + gaussian(r);
          y[o][i][t] = t <= last[i] ? draw : Double.NaN;
        }
      }
    }
    return new Women(clusterOf, y, cov, last);
  }

  private static double uniform(SplittableRandom r, double half) {
    return (2 * r.nextDouble() - 1) * half;
  }

  static double gaussian(SplittableRandom r) {
    double u1 = r.nextDouble();
    double u2 = r.nextDouble();
    return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
  }
}
