package org.cercania.did.fe;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.cercania.did.SeConvention;
import org.cercania.did.linalg.SymmetricSolver;
import org.cercania.errors.Errors;
import scala.Tuple2;
import scala.Tuple3;

/**
 * Least squares with unit and time fixed effects and cluster-robust variance, as Spark passes.
 *
 * <p>The unit effects are partialled out exactly by demeaning within unit (Frisch-Waugh-Lovell),
 * so the panel may be unbalanced; the time effects, being few, stay in the model as dummies. The
 * regressors are dense numeric columns plus, optionally, one integer category expanded to dummies
 * (event times, cohort x event-time cells): levels not listed are the reference.
 *
 * <p>Passes over the data: (0) a hash aggregation for the time levels; (1) one shuffle partitions
 * observations by (key, unit), sorted, so a unit is a run of rows (re-read, not cached); (2) a tree aggregation of the demeaned cross-products X'WX, X'Wy per key; (3) each
 * observation's influence contribution B x w e (B the inverse Gram, only the rows of the
 * coefficients of interest) is summed by cluster (no shuffle when units are the clusters) and the
 * outer products summed per key. The driver
 * holds O(keys x P^2) numbers, never a row per unit. Several regressions (one per key, e.g. per
 * outcome) share the same passes.
 */
public final class FixedEffectsRegression implements Serializable {
  private static final double COLLINEAR_TOL = 1e-9;

  /** What to regress: column names and which categories get a dummy. */
  public record Design(
      String key, String unit, String time, String outcome, String weight, String cluster,
      List<String> dense, String category, List<Integer> categoryLevels) implements Serializable {

    public int interestCount() {
      return dense.size() + categoryLevels.size();
    }

    public List<String> interestNames(String categoryPrefix) {
      List<String> names = new ArrayList<>(dense);
      for (int lvl : categoryLevels) {
        names.add(categoryPrefix + lvl);
      }
      return names;
    }
  }

  /** One regression's result: coefficients of interest and their unscaled cluster sandwich. */
  public record Fit(
      String key, double[] beta, boolean[] dropped, double[][] vcovRaw, long nObs, long nClusters, long nUnits,
      int nTimes, boolean unitNestedInCluster, boolean timeNestedInCluster, double sumSquaredResiduals)
      implements Serializable {

    /** Number of non-FE coefficients actually estimated (collinear ones dropped). */
    public int keptInterest() {
      int k = 0;
      for (boolean d : dropped) {
        if (!d) {
          k++;
        }
      }
      return k;
    }

    /** fixest's small-sample factor for a named convention; see {@link SeConvention}. */
    public double factor(SeConvention c) {
      double g = nClusters;
      double n = nObs;
      int kInt = keptInterest();
      switch (c) {
        case CLUSTER_RAW:
          return 1.0;
        case CLUSTER_G_ONLY:
          return g / (g - 1);
        case FIXEST_DEFAULT: {
          // Fixed effects nested in the cluster count as one parameter (fixest, fixef.K = "nested").
          double k = kInt + (timeNestedInCluster ? 1 : nTimes) + (unitNestedInCluster ? 1 : nUnits) - 1;
          return g / (g - 1) * (n - 1) / (n - k);
        }
        case CLUSTER_FULL_K: {
          double k = kInt + nTimes + nUnits - 1;
          return g / (g - 1) * (n - 1) / (n - k);
        }
        default:
          throw new IllegalArgumentException(c.toString());
      }
    }

    public double se(int i, SeConvention c) {
      return dropped[i] ? Double.NaN : Math.sqrt(vcovRaw[i][i] * factor(c));
    }

    public double[][] vcov(SeConvention c) {
      double f = factor(c);
      double[][] v = new double[vcovRaw.length][];
      for (int i = 0; i < v.length; i++) {
        v[i] = vcovRaw[i].clone();
        for (int j = 0; j < v[i].length; j++) {
          v[i][j] *= f;
        }
      }
      return v;
    }
  }

  /** One observation, compact: time, outcome, weight, cluster, dense regressors, category (MIN_VALUE = none). */
  record Obs(int time, double y, double w, String cluster, double[] x, int category) implements Serializable {}

  private final Design design;

  public FixedEffectsRegression(Design design) {
    this.design = design;
  }

  /** Per key: the coefficients, the rows of the inverse for the coefficients of interest, the dropped columns. */
  private record Solutions(Map<String, double[]> betas, Map<String, double[][]> bRows, Map<String, boolean[]> dropped) {}

  /** Fits one regression per distinct value of the design's key column. */
  public Map<String, Fit> fit(Dataset<Row> data) {
    Design d = design;
    int kDense = d.dense().size();
    WithinSums sums = new WithinSums(kDense, d.categoryLevels(), d.category() != null);
    Dataset<Row> slim = sums.withLevel(select(data));
    Map<String, WithinSums.Gram> grams = sums.cells(slim);
    if (grams.isEmpty()) {
      throw Errors.estimation("regression", "no observations with a non-null " + d.outcome() + ", " + d.time() + " and " + d.unit());
    }
    int[] allTimes = grams.values().stream().flatMapToInt(g -> Arrays.stream(g.times)).distinct().sorted().toArray();
    boolean nested = sums.units(slim, grams, allTimes);
    Solutions sol = solve(grams, d.interestCount());

    // Pass 3: influence contributions summed by cluster, then their outer products per key. Units
    // nested in clusters: one more aggregation by unit (no shuffle beyond it when units are the
    // clusters). Otherwise (e.g. clusters by period) each unit's rows are split by cluster.
    JavaRDD<Tuple2<String, double[]>> byCluster;
    if (nested) {
      JavaRDD<Tuple3<String, Long, double[]>> scores = sums.scores(slim, grams, allTimes, sol.betas(), sol.bRows());
      byCluster = unitIsCluster(d) ? scores.map(t -> new Tuple2<>(t._1(), t._3())) : scores
          .mapToPair(t -> new Tuple2<>(new Tuple2<>(t._1(), t._2()), t._3()))
          .reduceByKey(FixedEffectsRegression::addInPlace)
          .map(t -> new Tuple2<>(t._1()._1(), t._2()));
    } else {
      byCluster = splitByCluster(slim, grams, sol.betas(), sol.bRows(), d);
    }
    return fits(grams, meats(byCluster, d.interestCount()), sol, d.interestCount());
  }

  /** The driver's solve of each key's within normal equations. */
  private static Solutions solve(Map<String, WithinSums.Gram> grams, int kInt) {
    Map<String, double[]> betas = new HashMap<>();
    Map<String, double[][]> bRows = new HashMap<>();
    Map<String, boolean[]> droppedAll = new HashMap<>();
    for (Map.Entry<String, WithinSums.Gram> e : grams.entrySet()) {
      int p = e.getValue().p;
      SymmetricSolver s = SymmetricSolver.factor(e.getValue().xx, p, COLLINEAR_TOL, e.getValue().rawDiag);
      betas.put(e.getKey(), s.solve(e.getValue().xy));
      double[][] rows = new double[kInt][];
      int offset = p - kInt;
      for (int i = 0; i < kInt; i++) {
        rows[i] = s.inverseRow(offset + i);
      }
      bRows.put(e.getKey(), rows);
      droppedAll.put(e.getKey(), s.dropped());
    }
    return new Solutions(betas, bRows, droppedAll);
  }

  /** Per key: the upper triangle of sum over clusters of s s', then the number of clusters and the residual sum of squares. */
  private static Map<String, double[]> meats(JavaRDD<Tuple2<String, double[]>> byCluster, int kInt) {
    return byCluster.treeAggregate(new HashMap<String, double[]>(), (acc, t) -> {
      double[] m = acc.computeIfAbsent(t._1(), x -> new double[kInt * kInt + 2]);
      double[] s = t._2();
      for (int i = 0; i < kInt; i++) { // upper triangle; mirrored below
        double si = s[i];
        for (int j = i; j < kInt; j++) {
          m[i * kInt + j] += si * s[j];
        }
      }
      m[kInt * kInt] += 1; // clusters
      m[kInt * kInt + 1] += s[kInt]; // residual sum of squares
      return acc;
    }, (a, b) -> {
      for (Map.Entry<String, double[]> e : b.entrySet()) {
        a.merge(e.getKey(), e.getValue(), (x, y) -> {
          for (int i = 0; i < x.length; i++) {
            x[i] += y[i];
          }
          return x;
        });
      }
      return a;
    }, 2);
  }

  private static Map<String, Fit> fits(Map<String, WithinSums.Gram> grams, Map<String, double[]> meats, Solutions sol, int kInt) {
    Map<String, Fit> fits = new TreeMap<>();
    for (String key : grams.keySet()) {
      WithinSums.Gram g = grams.get(key);
      double[] m = meats.get(key);
      double[][] v = new double[kInt][kInt];
      for (int i = 0; i < kInt; i++) {
        for (int j = i; j < kInt; j++) {
          v[i][j] = m[i * kInt + j];
          v[j][i] = v[i][j];
        }
      }
      int offset = g.offset();
      boolean[] dropped = Arrays.copyOfRange(sol.dropped().get(key), offset, offset + kInt);
      double[] beta = Arrays.copyOfRange(sol.betas().get(key), offset, offset + kInt);
      for (int i = 0; i < kInt; i++) {
        if (dropped[i]) {
          beta[i] = Double.NaN;
        }
      }
      fits.put(key, new Fit(key, beta, dropped, v, g.n, (long) m[kInt * kInt], g.units, g.times.length,
          g.unitsWithOneCluster == g.units, !g.timeSplit, m[kInt * kInt + 1]));
    }
    return fits;
  }

  /**
   * Pass 3 when some unit's rows lie in several clusters: the rows partitioned by (key, unit) and
   * sorted, each unit read as a run of rows and its demeaned scores summed per cluster, then summed
   * across units by a shuffle on (key, cluster).
   */
  private static JavaRDD<Tuple2<String, double[]>> splitByCluster(Dataset<Row> slim, Map<String, WithinSums.Gram> grams,
      Map<String, double[]> betas, Map<String, double[][]> bRows, Design d) {
    int kDense = d.dense().size();
    Map<Integer, Integer> catIndex = new HashMap<>();
    for (int i = 0; i < d.categoryLevels().size(); i++) {
      catIndex.put(d.categoryLevels().get(i), kDense + i);
    }
    Dataset<Row> grouped = slim.repartition(functions.col("k"), functions.col("u"))
        .sortWithinPartitions(functions.col("k"), functions.col("u"));
    return grouped.javaRDD().mapPartitions(rows -> new UnitRuns(rows, kDense)).flatMapToPair(u -> {
      String key = u._1();
      WithinUnit wu = new WithinUnit(u._2(), grams.get(key).times, kDense, catIndex, betas.get(key).length);
      Map<String, double[]> sums = wu.influenceByCluster(betas.get(key), bRows.get(key));
      List<Tuple2<String, double[]>> out = new ArrayList<>(sums.size());
      for (Map.Entry<String, double[]> c : sums.entrySet()) {
        out.add(new Tuple2<>(key + "\u0000" + c.getKey(), c.getValue()));
      }
      return out.iterator();
    }).reduceByKey(FixedEffectsRegression::addInPlace).map(t -> new Tuple2<>(keyOf(t._1()), t._2()));
  }

  private static double[] addInPlace(double[] a, double[] b) {
    for (int i = 0; i < a.length; i++) {
      a[i] += b[i];
    }
    return a;
  }

  /** True when observations are clustered by their unit (no cluster column, or the unit column itself). */
  private static boolean unitIsCluster(Design d) {
    return d.cluster() == null || d.cluster().equals(d.unit());
  }

  /** A partition's rows, sorted by (key, unit), read as one (key, observations) pair per unit. */
  private static final class UnitRuns implements Iterator<Tuple2<String, List<Obs>>> {
    private final Iterator<Row> rows;
    private final int kDense;
    private Row next;

    UnitRuns(Iterator<Row> rows, int kDense) {
      this.rows = rows;
      this.kDense = kDense;
      this.next = rows.hasNext() ? rows.next() : null;
    }

    @Override
    public boolean hasNext() {
      return next != null;
    }

    @Override
    public Tuple2<String, List<Obs>> next() {
      if (next == null) {
        throw new NoSuchElementException();
      }
      String key = next.getString(0);
      Object unit = next.get(1);
      List<Obs> obs = new ArrayList<>();
      while (next != null && key.equals(next.getString(0)) && unit.equals(next.get(1))) {
        Row o = next;
        double[] x = new double[kDense];
        for (int i = 0; i < kDense; i++) {
          x[i] = o.getDouble(7 + i);
        }
        obs.add(new Obs(o.getInt(2), o.getDouble(3), o.getDouble(4), o.getString(5), x,
            o.isNullAt(6) ? Integer.MIN_VALUE : o.getInt(6)));
        next = rows.hasNext() ? rows.next() : null;
      }
      return new Tuple2<>(key, obs);
    }
  }

  private Dataset<Row> select(Dataset<Row> data) {
    Design d = design;
    List<Column> cols = new ArrayList<>();
    cols.add(d.key() == null ? functions.lit("") : functions.col(d.key()).cast("string"));
    cols.add(functions.col(d.unit()));
    cols.add(functions.col(d.time()).cast("int"));
    cols.add(functions.col(d.outcome()).cast("double"));
    cols.add(d.weight() == null ? functions.lit(1.0) : functions.col(d.weight()).cast("double"));
    // without a cluster column the unit is the cluster (set per unit, not per row)
    cols.add(unitIsCluster(d) ? functions.lit("") : functions.col(d.cluster()).cast("string"));
    cols.add(d.category() == null ? functions.lit(null).cast("int") : functions.col(d.category()).cast("int"));
    for (String x : d.dense()) {
      cols.add(functions.col(x).cast("double"));
    }
    String[] names = new String[cols.size()];
    String[] base = {"k", "u", "t", "y", "w", "c", "cat"};
    for (int i = 0; i < names.length; i++) {
      names[i] = i < base.length ? base[i] : "x" + (i - base.length);
    }
    Column[] aliased = new Column[cols.size()];
    for (int i = 0; i < aliased.length; i++) {
      aliased[i] = cols.get(i).as(names[i]);
    }
    Dataset<Row> s = data.select(aliased);
    // Rows without an outcome, time, unit, cluster or weight cannot enter the regression.
    Column complete = functions.col("u").isNotNull().and(functions.col("t").isNotNull())
        .and(functions.col("y").isNotNull()).and(functions.col("w").isNotNull()).and(functions.col("c").isNotNull());
    for (int i = 0; i < d.dense().size(); i++) {
      complete = complete.and(functions.col("x" + i).isNotNull());
    }
    Column ch = functions.xxhash64(functions.col(unitIsCluster(d) ? "u" : "c"));
    return s.filter(complete).select(reorder(d.dense().size())).withColumn("ch", ch);
  }

  private static Column[] reorder(int kDense) {
    Column[] c = new Column[7 + kDense];
    String[] base = {"k", "u", "t", "y", "w", "c", "cat"};
    for (int i = 0; i < 7; i++) {
      c[i] = functions.col(base[i]);
    }
    for (int i = 0; i < kDense; i++) {
      c[7 + i] = functions.col("x" + i);
    }
    return c;
  }

  private static String keyOf(String keyAndUnit) {
    return keyAndUnit.substring(0, keyAndUnit.indexOf('\u0000'));
  }

}
