package org.cercania.distance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.cercania.did.DidSpec;
import org.cercania.did.Inference;
import org.cercania.did.fe.FixedEffectsRegression;
import org.cercania.testing.SparkExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The distance design and its ring estimates against a dense brute-force computation held in the
 * test: a small panel (bands 0-1, 1-2, 2-5 km, cutoff 10 km) with units that move to a nearer band,
 * units exposed before the window, whose center closed or that enter beyond the last edge,
 * respondents with sampling weights (several per unit-year, averaged with their weights), a
 * never-exposed unit and treated units missing a year (before or after entry), and clusters of units. The unit classification is enumerated here from each
 * unit's distances. Every ring estimate and SE of each robust estimator is reproduced to 1e-9 by a
 * dense computation from the panel's rows: cs's overall ATT and its dynamic event study with their
 * clustered SEs and the event study's full covariance (HonestDiD's inputs) ({@link DenseCs}: R did's att_gt
 * with a universal base period and aggte written out; with CR2, each cohort's residuals adjusted by
 * (I - H_cc)^(-1/2) per cluster), imputation's ATT and its
 * tau::e event study with BJS's conservative clustered SEs ({@link DenseImputation}: didimputation
 * written out), Sun-Abraham's event-time coefficients, their full covariance, ATT and SE (fixest's
 * sunab as a dummy regression, below). The stacked twfe of all bands in one regression equals the
 * library's twfe run band by band.
 */
@ExtendWith(SparkExtension.class)
class RingBruteForceTest {
  static final int FROM = 2006;
  static final int YEARS = 7;
  static final RingDesign DESIGN = new RingDesign(List.of(0.0, 1.0, 2.0, 5.0), 10.0);
  static final StructType PANEL = DataTypes.createStructType(List.of(
      DataTypes.createStructField("family", DataTypes.StringType, false),
      DataTypes.createStructField("outcome", DataTypes.StringType, false),
      DataTypes.createStructField("unit_id", DataTypes.StringType, false),
      DataTypes.createStructField("obs_id", DataTypes.StringType, false),
      DataTypes.createStructField("cluster_id", DataTypes.StringType, false),
      DataTypes.createStructField("year", DataTypes.IntegerType, false),
      DataTypes.createStructField("value", DataTypes.DoubleType, true),
      DataTypes.createStructField("weight", DataTypes.DoubleType, false),
      DataTypes.createStructField("ring1", DataTypes.IntegerType, false),
      DataTypes.createStructField("nearest_distance_m", DataTypes.DoubleType, true)));

  /** A unit's distances by year (metres; null = no open center) and its unit-year means (null = year missing). */
  record Unit(String id, String cluster, Double[] dist, Double[] mean) {}

  static final List<Unit> UNITS = new ArrayList<>();
  static final List<Row> ROWS = new ArrayList<>();

  static {
    Random r = new Random(7);
    double[] yearEffect = new double[YEARS];
    for (int t = 0; t < YEARS; t++) {
      yearEffect[t] = 0.2 * t + 0.3 * r.nextGaussian();
    }
    for (int i = 0; i < 120; i++) {
      Double[] d = new Double[YEARS];
      int kind = i % 8;
      int g = 1 + r.nextInt(YEARS - 1); // entry year index, never the first
      double near = kind == 0 ? 400 + 500 * r.nextDouble() : kind == 1 ? 1100 + 800 * r.nextDouble() : 2100 + 2800 * r.nextDouble();
      for (int t = 0; t < YEARS; t++) {
        d[t] = switch (kind) {
          case 0, 1, 2 -> t < g ? (t % 2 == 0 ? (Double) null : Double.valueOf(12000.0 + i)) : Double.valueOf(near); // treated in one band
          case 3 -> Double.valueOf(t < g ? 15000.0 : t < g + 2 ? 1500.0 : 600.0);              // enters 1-2 km, moves to 0-1 km
          case 4 -> Double.valueOf(800.0);                                                      // exposed before the window
          case 5 -> Double.valueOf(t >= 2 && t < 4 ? 1200.0 : 20000.0);                         // its center closed
          case 6 -> Double.valueOf(t < g ? 30000.0 : 7000.0);                                   // enters beyond the last edge
          default -> i % 3 == 0 ? (Double) null : Double.valueOf(11000.0 + 100 * t);                     // never exposed
        };
      }
      String id = String.format("U%03d", i);
      String cluster = "D" + (i % 13);
      double unitEffect = r.nextGaussian();
      Double[] mean = new Double[YEARS];
      for (int t = 0; t < YEARS; t++) {
        if (i == 7 && t == 3) {
          continue; // a never-exposed unit missing a year
        }
        // treated units missing a year (drawn, then left out): 8-10 the year after entry, 16-18 the year before it
        boolean gap = kind <= 2 && (i / 8 == 1 && t == g + 1 || i / 8 == 2 && g >= 2 && t == g - 1);
        Double dist = d[t];
        double effect = dist == null || dist > 5000 ? 0 : dist <= 1000 ? 1.0 + 0.3 * (t - g) : dist <= 2000 ? 0.5 : 0.2;
        int respondents = 1 + i % 3;
        double sw = 0;
        double swy = 0;
        for (int k = 0; k < respondents; k++) {
          double w = 0.5 + r.nextDouble();
          double y = unitEffect + yearEffect[t] + effect + 0.5 * r.nextGaussian();
          if (!gap) {
            ROWS.add(RowFactory.create("school", "y", id, id + "-" + k, cluster, FROM + t, y, w, 0, dist));
          }
          sw += w;
          swy += w * y;
        }
        mean[t] = gap ? null : swy / sw;
      }
      UNITS.add(new Unit(id, cluster, d, mean));
    }
  }

  /** status, cohort, band enumerated from the distances. */
  static Object[] classify(Unit u) {
    int first = -1;
    boolean ended = false;
    for (int t = 0; t < YEARS; t++) {
      boolean exposed = u.dist()[t] != null && u.dist()[t] <= 10000;
      if (exposed && first < 0) {
        first = t;
      } else if (!exposed && first >= 0) {
        ended = true;
      }
    }
    if (first < 0) {
      return new Object[] {RingDesign.NEVER, 0, -1};
    }
    if (first == 0) {
      return new Object[] {RingDesign.BEFORE, 0, -1};
    }
    if (ended) {
      return new Object[] {RingDesign.ENDED, 0, -1};
    }
    double d = u.dist()[first];
    int band = d <= 1000 ? 0 : d <= 2000 ? 1 : d <= 5000 ? 2 : -1;
    return band < 0 ? new Object[] {RingDesign.BEYOND, 0, -1} : new Object[] {RingDesign.TREATED, FROM + first, band};
  }

  @Test
  void classifiesEveryUnitAsTheRuleSays(SparkSession spark) {
    Dataset<Row> units = DESIGN.units(spark.createDataFrame(ROWS, PANEL));
    Map<String, Row> got = new HashMap<>();
    units.collectAsList().forEach(r -> got.put(r.getString(1), r));
    assertEquals(UNITS.size(), got.size());
    Map<String, Integer> byStatus = new TreeMap<>();
    for (Unit u : UNITS) {
      Object[] want = classify(u);
      Row r = got.get(u.id());
      assertEquals(want[0], r.getString(2), u.id());
      assertEquals(want[1], r.getInt(3), u.id());
      assertEquals(want[2], r.getInt(4), u.id());
      byStatus.merge((String) want[0], 1, Integer::sum);
    }
    assertEquals(5, byStatus.size(), byStatus.toString()); // every status occurs
  }

  @Test
  void ringEstimatesMatchDenseBruteForce(SparkSession spark) {
    Dataset<Row> panel = spark.createDataFrame(ROWS, PANEL);
    Dataset<Row> est = RingDesign.estimationPanel(panel, DESIGN.units(panel)).cache();
    RingEffects effects = new RingEffects(DidSpec.ControlGroup.NEVER, false, false, Set.of());
    RingEffects refined = new RingEffects(DidSpec.ControlGroup.NEVER, true, true, Set.of()); // imputation's leave-out, cs's CR2
    RingEffects studentT = new RingEffects(DidSpec.ControlGroup.NEVER, true, true, Set.of("imputation", "twfe")); // t(G1 - 1)
    Map<String, FixedEffectsRegression.Fit> stacked = StackedTwfe.fit(est);
    boolean sharedCells = false;
    for (int band = 0; band < DESIGN.bands(); band++) {
      int b = band;
      Dataset<Row> sub = est.filter(est.col("band").equalTo(b).or(est.col("band").equalTo(RingDesign.CONTROL)));
      List<Unit> units = bandUnits(b);
      RingEstimate.Counts counts = counts(units);
      assertTrue(units.stream().anyMatch(u -> (int) classify(u)[1] > 0 && java.util.Arrays.asList(u.mean()).contains(null)),
          "an unbalanced treated unit in band " + b);
      RingEstimate cs = effects.estimate("school", "y", b, "cs", sub, counts);
      assertCs(new DenseCs(units), cs, "cs band " + b);
      RingEstimate csCr2 = refined.estimate("school", "y", b, "cs", sub, counts);
      assertCs(new DenseCs(units, true), csCr2, "cs, CR2, band " + b);
      assertTrue(csCr2.se() > cs.se(), "the CR2 cs SE is larger in band " + b + ": " + csCr2.se() + " vs " + cs.se());
      RingEstimate imp = effects.estimate("school", "y", b, "imputation", sub, counts);
      DenseImputation denseImputation = new DenseImputation(units);
      assertEquals(denseImputation.overall().value(), imp.estimate(), 1e-9, "imputation ATT band " + b);
      assertEquals(denseImputation.overall().se(), imp.se(), 1e-9, "imputation SE band " + b);
      assertEventStudy(denseImputation.eventStudy(), imp.events(), "imputation tau::e band " + b);
      // two treated units of one cluster entering together share their cells: there the cluster-level leave-out
      // (Stata did_imputation's) and an observation-level one differ, so the brute force below tells them apart
      sharedCells |= units.stream().filter(u -> (int) classify(u)[1] > 0).collect(java.util.stream.Collectors.groupingBy(
          u -> u.cluster() + "/" + classify(u)[1], java.util.stream.Collectors.counting())).values().stream().anyMatch(n -> n > 1);
      RingEstimate loo = refined.estimate("school", "y", b, "imputation", sub, counts);
      DenseImputation denseLoo = new DenseImputation(units, true);
      assertEquals(denseLoo.overall().value(), loo.estimate(), 1e-9, "imputation ATT, leave-one-out, band " + b);
      assertEquals(denseLoo.overall().se(), loo.se(), 1e-9, "imputation SE, leave-one-out, band " + b);
      assertTrue(loo.se() > imp.se(), "the leave-one-out SE is larger in band " + b + ": " + loo.se() + " vs " + imp.se());
      assertEventStudy(denseLoo.eventStudy(), loo.events(), "imputation tau::e, leave-one-out, band " + b);
      assertEquals(Inference.Z95, loo.crit(), 1e-12, "normal interval without the treated-cluster df");
      RingEstimate t = studentT.estimate("school", "y", b, "imputation", sub, counts);
      long g1 = units.stream().filter(u -> (int) classify(u)[1] > 0).map(Unit::cluster).distinct().count();
      TDistribution td = new TDistribution(g1 - 1.0);
      assertEquals(loo.se(), t.se(), 1e-15);
      assertEquals(td.inverseCumulativeProbability(0.975), t.crit(), 1e-9, "t(G1 - 1) band " + b + ", G1 = " + g1);
      assertEquals(2 * (1 - td.cumulativeProbability(Math.abs(t.estimate() / t.se()))), t.pValue(), 1e-9);
      assertEquals(Inference.Z95, studentT.estimate("school", "y", b, "cs", sub, counts).crit(), 1e-12, "cs stays normal");
      RingEstimate twfe = effects.estimate("school", "y", b, "twfe", sub, counts);
      RingEstimate fromStack = StackedTwfe.estimate(stacked, "school", "y", b, counts, effects.df("twfe", counts));
      assertEquals(twfe.estimate(), fromStack.estimate(), 1e-9, "stacked twfe band " + b);
      assertEquals(twfe.se(), fromStack.se(), 1e-9, "stacked twfe SE band " + b);
      long g = units.stream().map(Unit::cluster).distinct().count();
      assertEquals(new TDistribution(g - 1.0).inverseCumulativeProbability(0.975), twfe.crit(), 1e-9, "fixest's t(G - 1) band " + b);
      assertEquals(twfe.crit(), fromStack.crit(), 1e-12);
      RingEstimate twfeT = StackedTwfe.estimate(stacked, "school", "y", b, counts, studentT.df("twfe", counts));
      assertEquals(td.inverseCumulativeProbability(0.975), twfeT.crit(), 1e-9, "twfe with t(G1 - 1) band " + b);
      assertEquals(twfeT.crit(), studentT.estimate("school", "y", b, "twfe", sub, counts).crit(), 1e-12);
      assertTrue(Math.abs(cs.estimate()) > 0.1, "a planted effect is found in band " + b);
    }
    assertTrue(sharedCells, "some band has a cohort with two units of one cluster");
  }

  /**
   * The distance curve's joint estimation: imputation over every band at once (one first stage on
   * all untreated rows, each band's ATT a group::band term) against the dense computation over all
   * treated and comparison units with one target per band: every band's estimate, SE and their
   * covariances to 1e-9, plain and leave-one-out; the overall ATT is the ungrouped one; the sup-t
   * critical value is the one of the dense covariance.
   */
  @Test
  void jointBandEstimatesAndCovarianceMatchDenseBruteForce(SparkSession spark) {
    Dataset<Row> panel = spark.createDataFrame(ROWS, PANEL);
    Dataset<Row> est = RingDesign.estimationPanel(panel, DESIGN.units(panel)).cache();
    List<Unit> all = UNITS.stream().filter(u -> classify(u)[0].equals(RingDesign.NEVER) || classify(u)[0].equals(RingDesign.TREATED))
        .toList();
    Map<Integer, RingEstimate.Counts> counts = new TreeMap<>();
    for (int b = 0; b < DESIGN.bands(); b++) {
      counts.put(b, counts(bandUnits(b)));
    }
    for (boolean leaveOneOut : new boolean[] {false, true}) {
      RingEffects effects = new RingEffects(DidSpec.ControlGroup.NEVER, leaveOneOut, false,
          leaveOneOut ? Set.of("imputation") : Set.of());
      RingEffects.JointBins got = effects.estimateBins("school", "y", est, counts);
      DenseImputation dense = new DenseImputation(all, leaveOneOut);
      Map<Integer, Estimate> want = dense.byBand();
      assertEquals(DESIGN.bands(), want.size());
      assertEquals(List.copyOf(want.keySet()), got.bins().stream().map(RingEstimate::band).toList());
      double[][] cov = new double[want.size()][want.size()];
      for (RingEstimate r : got.bins()) {
        int b = r.band();
        assertEquals(want.get(b).value(), r.estimate(), 1e-9, "joint ATT band " + b + " loo=" + leaveOneOut);
        assertEquals(want.get(b).se(), r.se(), 1e-9, "joint SE band " + b + " loo=" + leaveOneOut);
        assertEquals(counts.get(b).treated(), r.treated());
        for (int c = 0; c < want.size(); c++) {
          int cc = c;
          cov[b][c] = dense.covariance(o -> o.band() == b, o -> o.band() == cc);
        }
        // the joint first stage uses more untreated rows than the band's own estimation: a different number
        assertTrue(Math.abs(new DenseImputation(bandUnits(b), leaveOneOut).overall().value() - r.estimate()) > 1e-6);
      }
      assertTrue(Math.abs(cov[0][1]) > 1e-8, "the bins' estimates are correlated through the shared first stage");
      Dataset<Row> coefficients = org.cercania.did.Estimators.byName("imputation")
          .estimate(est, effects.spec("imputation").toBuilder().group("band").build()).tables().get("covariance");
      for (Row r : coefficients.collectAsList()) {
        String a = r.getString(0);
        String b = r.getString(1);
        if (a.startsWith("group::") && b.startsWith("group::")) {
          assertEquals(cov[Integer.parseInt(a.substring(7))][Integer.parseInt(b.substring(7))], r.getDouble(2), 1e-9, a + " x " + b);
        } else if (a.equals("ATT") && b.equals("ATT")) {
          assertEquals(Math.pow(dense.overall().se(), 2), r.getDouble(2), 1e-9, "ATT variance");
        }
      }
      if (!leaveOneOut) {
        double crit = Inference.supTCritical(cov, 0.95, RingEffects.SUP_T_SEED, RingEffects.SUP_T_DRAWS);
        assertEquals(crit, got.uniformCrit(), 1e-6);
        assertTrue(crit > 1.96 && crit < new org.apache.commons.math3.distribution.NormalDistribution()
            .inverseCumulativeProbability(1 - 0.025 / DESIGN.bands()) + 0.01, "sup-t between pointwise and Bonferroni: " + crit);
        continue;
      }
      // with the treated-cluster df: each bin's interval is t(G1 - 1), G1 its treated units' clusters, and the sup-t
      // value the one of those t draws, between the largest pointwise value and the t Bonferroni one
      double[] df = new double[want.size()];
      double largest = 0;
      double bonferroni = 0;
      for (RingEstimate r : got.bins()) {
        long g1 = bandUnits(r.band()).stream().filter(u -> (int) classify(u)[1] > 0).map(Unit::cluster).distinct().count();
        df[r.band()] = g1 - 1.0;
        TDistribution td = new TDistribution(g1 - 1.0);
        assertEquals(td.inverseCumulativeProbability(0.975), r.crit(), 1e-9, "t(G1 - 1) bin " + r.band());
        largest = Math.max(largest, r.crit());
        bonferroni = Math.max(bonferroni, td.inverseCumulativeProbability(1 - 0.025 / DESIGN.bands()));
      }
      double crit = Inference.supTCritical(cov, 0.95, RingEffects.SUP_T_SEED, RingEffects.SUP_T_DRAWS, df);
      assertEquals(crit, got.uniformCrit(), 1e-6);
      assertTrue(crit > largest && crit < bonferroni, "sup-t between pointwise and Bonferroni: " + crit);
    }
  }

  /** A band's units counted by brute force: all, treated, their clusters, the treated units' clusters. */
  static RingEstimate.Counts counts(List<Unit> units) {
    List<Unit> treated = units.stream().filter(u -> (int) classify(u)[1] > 0).toList();
    return new RingEstimate.Counts(units.size(), treated.size(), units.stream().map(Unit::cluster).distinct().count(),
        treated.stream().map(Unit::cluster).distinct().count());
  }

  /** cs's ATT, SE, dynamic event study and its covariance against the dense computation, to 1e-9. */
  static void assertCs(DenseCs dense, RingEstimate got, String what) {
    assertEquals(dense.simple().value(), got.estimate(), 1e-9, what + ": ATT");
    assertEquals(dense.simple().se(), got.se(), 1e-9, what + ": SE");
    assertEventStudy(dense.dynamic(), got.events(), what + ": dynamic");
    assertEventCovariance(dense, got.eventCovariance(), what);
  }

  /**
   * cs's HonestDiD inputs: every event time but the reference -1 (universal base period), with the
   * dense estimates and the dense covariance of every pair to 1e-9.
   */
  static void assertEventCovariance(DenseCs dense, EventCovariance got, String what) {
    Map<Integer, Estimate> want = dense.dynamic();
    assertEquals(want.keySet().stream().filter(e -> e != -1).toList(), java.util.Arrays.stream(got.eventTimes()).boxed().toList(), what);
    assertTrue(got.preTimes() > 0 && want.containsKey(-1) && Double.isNaN(want.get(-1).se()), what + ": pre-periods, -1 the reference");
    for (int i = 0; i < got.eventTimes().length; i++) {
      int e = got.eventTimes()[i];
      assertEquals(want.get(e).value(), got.estimate()[i], 1e-9, what + " e=" + e);
      for (int j = 0; j < got.eventTimes().length; j++) {
        assertEquals(dense.dynamicCovariance(e, got.eventTimes()[j]), got.vcov()[i][j], 1e-9, what + " cov " + e + "," + got.eventTimes()[j]);
      }
      assertEquals(Math.pow(want.get(e).se(), 2), got.vcov()[i][i], 1e-9, what + ": the diagonal is the se^2");
    }
  }

  /** The library's event terms are exactly the dense event times, each estimate and SE to 1e-9. */
  static void assertEventStudy(Map<Integer, Estimate> want, List<RingEstimate.EventTerm> got, String what) {
    assertEquals(List.copyOf(want.keySet()), got.stream().map(RingEstimate.EventTerm::e).toList(), what + ": event times");
    for (RingEstimate.EventTerm e : got) {
      assertEquals(want.get(e.e()).value(), e.estimate(), 1e-9, what + ": estimate e=" + e.e());
      assertEquals(want.get(e.e()).se(), e.se(), 1e-9, what + ": SE e=" + e.e());
    }
  }

  @Test
  void sunAbrahamEventStudyAndItsCovarianceMatchDenseBruteForce(SparkSession spark) {
    Dataset<Row> panel = spark.createDataFrame(ROWS, PANEL);
    Dataset<Row> est = RingDesign.estimationPanel(panel, DESIGN.units(panel)).cache();
    RingEffects effects = new RingEffects(DidSpec.ControlGroup.NEVER, false, false, Set.of());
    for (int band = 0; band < DESIGN.bands(); band++) {
      int b = band;
      Dataset<Row> sub = est.filter(est.col("band").equalTo(b).or(est.col("band").equalTo(RingDesign.CONTROL)));
      List<Unit> units = bandUnits(b);
      RingEstimate.Counts counts = counts(units);
      RingEstimate sa = effects.estimate("school", "y", b, "sun-abraham", sub, counts);
      SaBrute want = sunAbrahamBruteForce(units);
      EventCovariance got = sa.eventCovariance();
      assertEquals(want.times().length, got.eventTimes().length, "event times band " + b);
      for (int i = 0; i < want.times().length; i++) {
        assertEquals(want.times()[i], got.eventTimes()[i], "event time band " + b);
        assertEquals(want.beta()[i], got.estimate()[i], 1e-9, "coefficient e=" + want.times()[i] + " band " + b);
        for (int j = 0; j < want.times().length; j++) {
          assertEquals(want.vcov()[i][j], got.vcov()[i][j], 1e-9, "covariance band " + b);
        }
      }
      for (RingEstimate.EventTerm e : sa.events()) { // the table's per-event SE is the covariance's diagonal
        int i = java.util.Arrays.binarySearch(want.times(), e.e());
        assertEquals(want.beta()[i], e.estimate(), 1e-9);
        assertEquals(Math.sqrt(want.vcov()[i][i]), e.se(), 1e-9);
      }
      assertEquals(want.att(), sa.estimate(), 1e-9, "sun-abraham ATT band " + b);
      assertEquals(want.attSe(), sa.se(), 1e-9, "sun-abraham SE band " + b);
      assertTrue(got.preTimes() > 0, "pre-periods for HonestDiD in band " + b);
    }
  }

  /** The band's treated units and the never-exposed units, as the classification enumerates them. */
  static List<Unit> bandUnits(int b) {
    return UNITS.stream().filter(u -> {
      Object[] c = classify(u);
      return c[0].equals(RingDesign.NEVER) || c[0].equals(RingDesign.TREATED) && (int) c[2] == b;
    }).toList();
  }

  record SaBrute(int[] times, double[] beta, double[][] vcov, double att, double attSe) {}

  /**
   * Sun and Abraham (2021) as fixest's sunab: least squares of the unit-year means on unit dummies,
   * year dummies and one dummy per treated cohort x event time (e = -1 left out), clustered by
   * cluster with fixest's default small-sample factor (G/(G-1) (N-1)/(N-K), K = cells + years, the
   * unit effects nested in the clusters); event-time coefficients and the ATT as the cells'
   * observation-share averages, their covariance S V S'.
   */
  static SaBrute sunAbrahamBruteForce(List<Unit> units) {
    TreeSet<Long> cellKeys = new TreeSet<>(); // cohort * 100 + (e + 50)
    for (Unit u : units) {
      int g = (int) classify(u)[1];
      for (int t = 0; t < YEARS; t++) {
        if (g > 0 && u.mean()[t] != null && FROM + t - g != -1) {
          cellKeys.add(g * 100L + (FROM + t - g + 50));
        }
      }
    }
    List<Long> cells = new ArrayList<>(cellKeys);
    int nu = units.size();
    int k = nu + YEARS - 1 + cells.size();
    List<double[]> x = new ArrayList<>();
    List<Double> y = new ArrayList<>();
    List<String> cl = new ArrayList<>();
    double[] cellSize = new double[cells.size()];
    for (int i = 0; i < nu; i++) {
      Unit u = units.get(i);
      int g = (int) classify(u)[1];
      for (int t = 0; t < YEARS; t++) {
        if (u.mean()[t] == null) {
          continue;
        }
        double[] row = new double[k];
        System.arraycopy(dummies(i, t, nu + YEARS - 1), 0, row, 0, nu + YEARS - 1);
        if (g > 0 && FROM + t - g != -1) {
          int c = cells.indexOf(g * 100L + (FROM + t - g + 50));
          row[nu + YEARS - 1 + c] = 1;
          cellSize[c]++;
        }
        x.add(row);
        y.add(u.mean()[t]);
        cl.add(u.cluster());
      }
    }
    RealMatrix xm = new Array2DRowRealMatrix(x.toArray(new double[0][]));
    RealMatrix bread = new LUDecomposition(xm.transpose().multiply(xm)).getSolver().getInverse();
    double[] beta = bread.operate(xm.transpose().operate(y.stream().mapToDouble(Double::doubleValue).toArray()));
    Map<String, double[]> scores = new TreeMap<>();
    for (int r = 0; r < x.size(); r++) {
      double res = y.get(r);
      for (int j = 0; j < k; j++) {
        res -= x.get(r)[j] * beta[j];
      }
      double[] sc = scores.computeIfAbsent(cl.get(r), c -> new double[k]);
      for (int j = 0; j < k; j++) {
        sc[j] += x.get(r)[j] * res;
      }
    }
    RealMatrix meat = new Array2DRowRealMatrix(k, k);
    for (double[] sc : scores.values()) {
      meat = meat.add(new Array2DRowRealMatrix(sc).multiply(new Array2DRowRealMatrix(sc).transpose()));
    }
    double g = scores.size();
    double n = x.size();
    double factor = g / (g - 1) * (n - 1) / (n - (cells.size() + YEARS));
    RealMatrix v = bread.multiply(meat).multiply(bread).scalarMultiply(factor);
    TreeSet<Integer> rels = new TreeSet<>();
    cells.forEach(c -> rels.add((int) (c % 100) - 50));
    int[] times = rels.stream().mapToInt(Integer::intValue).toArray();
    double[][] s = new double[times.length + 1][cells.size()]; // last row: the ATT (e >= 0)
    for (int e = 0; e <= times.length; e++) {
      double total = 0;
      for (int c = 0; c < cells.size(); c++) {
        int rel = (int) (cells.get(c) % 100) - 50;
        if (e < times.length ? rel == times[e] : rel >= 0) {
          s[e][c] = cellSize[c];
          total += cellSize[c];
        }
      }
      for (int c = 0; c < cells.size(); c++) {
        s[e][c] /= total;
      }
    }
    RealMatrix sm = new Array2DRowRealMatrix(s);
    RealMatrix vc = v.getSubMatrix(nu + YEARS - 1, k - 1, nu + YEARS - 1, k - 1);
    double[] b = sm.operate(java.util.Arrays.copyOfRange(beta, nu + YEARS - 1, k));
    double[][] cov = sm.multiply(vc).multiply(sm.transpose()).getData();
    double[][] ev = new double[times.length][times.length];
    for (int i = 0; i < times.length; i++) {
      ev[i] = java.util.Arrays.copyOf(cov[i], times.length);
    }
    return new SaBrute(times, java.util.Arrays.copyOf(b, times.length), ev, b[times.length], Math.sqrt(cov[times.length][times.length]));
  }

  /** An estimate and its standard error as the dense computation gives them. */
  record Estimate(double value, double se) {}

  /** One unit-year's dummies: the unit's, and its year's (the first year left out); k = units + years - 1. */
  static double[] dummies(int unit, int t, int k) {
    double[] d = new double[k];
    d[unit] = 1;
    if (t > 0) {
      d[k - YEARS + t] = 1;
    }
    return d;
  }
}
