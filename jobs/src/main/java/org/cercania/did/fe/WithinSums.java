package org.cercania.did.fe;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import scala.Tuple3;

/**
 * The within-unit regression of {@link FixedEffectsRegression} as hash aggregations of sums, so
 * no pass sorts the panel or turns its rows into Java objects.
 *
 * <p>With z an observation's regressors (time dummies, dense columns, category dummies) and, for a
 * unit i, W_i its weight and v_i = sum of w z over its rows, the demeaned Gram is
 * sum w z z' - sum_i v_i v_i' / W_i and the demeaned X'y is sum w z y - sum_i v_i (sum w y)_i / W_i.
 * The raw sums need only a groupBy(key, time, category) ({@link #cells}); the unit terms a
 * groupBy(key, unit) with each time's and level's weight pivoted into columns ({@link #units}).
 * With r = y - z'beta (the residual before removing the unit mean), a unit's score is
 * sum w (z - m_i) e = a_i - s_i v_i / W_i, a_i = sum w r z and s_i = sum w r, so the cluster sums
 * of the influence come from one more groupBy(key, unit) ({@link #scores}).
 *
 * <p>Slim columns (see {@link FixedEffectsRegression}): k, u, t, y, w, c, cat, x0.., and ch, the
 * 64-bit hash of the observation's cluster; {@link #withLevel} adds lvl.
 */
final class WithinSums implements Serializable {
  private final int kDense;
  private final List<Integer> levels;
  private final boolean hasCategory;
  /**
   * Whether the unit passes read the category levels through the periods: with the category constant
   * within a unit's period (Sun-Abraham's cells and event times are functions of the unit's cohort and
   * the period), a unit's sum by level is its sum by period re-labelled by the level it has there, so
   * the aggregation pivots T periods (plus each period's level) instead of T periods and L levels.
   * Chosen in {@link #units} when the levels outnumber the periods; a unit whose level varies within a
   * period turns it off there (and that pass is redone the wide way).
   */
  private boolean levelsByPeriod;

  WithinSums(int kDense, List<Integer> levels, boolean hasCategory) {
    this.kDense = kDense;
    this.levels = levels;
    this.hasCategory = hasCategory;
  }

  int kInt() {
    return kDense + levels.size();
  }

  /** Per key: the time levels, raw sums, observations and whether each time lies in one cluster. */
  static final class Gram implements Serializable {
    final int[] times;
    final int p;
    final double[] xx;
    final double[] xy;
    /** The diagonal of the raw (not demeaned) cross-products: the scale of the collinearity check. */
    final double[] rawDiag;
    long n;
    long units;
    long unitsWithOneCluster;
    boolean timeSplit;

    Gram(int[] times, int kInt) {
      this.times = times;
      this.p = times.length - 1 + kInt;
      this.xx = new double[p * p];
      this.xy = new double[p];
      this.rawDiag = new double[p];
    }

    /** Coordinate of time t's dummy, or -1 for the reference (first) time or a time not in this key. */
    int timeIndex(int t) {
      int i = Arrays.binarySearch(times, t);
      return i > 0 ? i - 1 : -1;
    }

    int offset() {
      return times.length - 1;
    }
  }

  /** The slim rows with {@code lvl}, the index of the row's category among the listed levels or -1. */
  Dataset<Row> withLevel(Dataset<Row> slim) {
    return slim.withColumn("lvl", categoryLevel());
  }

  /** Pass 0: raw cross-products by (key, time, category); O(keys x T x levels) rows to the driver. */
  Map<String, Gram> cells(Dataset<Row> slim) {
    List<Column> aggs = new ArrayList<>(List.of(count(lit(1)), sum(col("w")), sum(col("w").multiply(col("y"))),
        min(col("ch")), max(col("ch"))));
    for (int j = 0; j < kDense; j++) {
      aggs.add(sum(col("w").multiply(x(j))));
      aggs.add(sum(col("w").multiply(x(j)).multiply(col("y"))));
      for (int l = j; l < kDense; l++) {
        aggs.add(sum(col("w").multiply(x(j)).multiply(x(l))));
      }
    }
    List<Row> rows = slim.groupBy(col("k"), col("t"), col("lvl"))
        .agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(new Column[0])).collectAsList();
    Map<String, TreeSet<Integer>> times = new TreeMap<>();
    for (Row r : rows) {
      times.computeIfAbsent(r.getString(0), x -> new TreeSet<>()).add(r.getInt(1));
    }
    Map<String, Gram> grams = new TreeMap<>();
    for (Map.Entry<String, TreeSet<Integer>> e : times.entrySet()) {
      grams.put(e.getKey(), new Gram(e.getValue().stream().mapToInt(Integer::intValue).toArray(), kInt()));
    }
    Map<String, Map<Integer, long[]>> timeClusters = new HashMap<>();
    for (Row r : rows) {
      Gram g = grams.get(r.getString(0));
      int ti = g.timeIndex(r.getInt(1));
      int lvl = r.getInt(2);
      int ci = lvl >= 0 ? g.offset() + kDense + lvl : -1;
      g.n += r.getLong(3);
      double sw = r.getDouble(4);
      double swy = r.getDouble(5);
      long[] mm = timeClusters.computeIfAbsent(r.getString(0), x -> new HashMap<>())
          .computeIfAbsent(r.getInt(1), x -> new long[] {Long.MAX_VALUE, Long.MIN_VALUE});
      mm[0] = Math.min(mm[0], r.getLong(6));
      mm[1] = Math.max(mm[1], r.getLong(7));
      int p = g.p;
      // the indicator coordinates of this cell (time dummy, category dummy) and the dense ones
      int[] ind = ti >= 0 && ci >= 0 ? new int[] {ti, ci} : ti >= 0 ? new int[] {ti} : ci >= 0 ? new int[] {ci} : new int[0];
      for (int a : ind) {
        g.xy[a] += swy;
        for (int b : ind) {
          g.xx[a * p + b] += sw;
        }
      }
      int col = 8;
      double[] swx = new double[kDense];
      double[][] swxx = new double[kDense][kDense];
      for (int j = 0; j < kDense; j++) {
        swx[j] = r.getDouble(col++);
        g.xy[g.offset() + j] += r.getDouble(col++);
        for (int l = j; l < kDense; l++) {
          swxx[j][l] = r.getDouble(col++);
          swxx[l][j] = swxx[j][l];
        }
      }
      for (int j = 0; j < kDense; j++) {
        int xj = g.offset() + j;
        for (int a : ind) {
          g.xx[a * p + xj] += swx[j];
          g.xx[xj * p + a] += swx[j];
        }
        for (int l = 0; l < kDense; l++) {
          g.xx[xj * p + g.offset() + l] += swxx[j][l];
        }
      }
    }
    for (Map.Entry<String, Map<Integer, long[]>> e : timeClusters.entrySet()) {
      for (long[] mm : e.getValue().values()) {
        grams.get(e.getKey()).timeSplit |= mm[0] != mm[1];
      }
    }
    return grams;
  }

  /**
   * Pass 1: subtracts each unit's v v' / W and v (sum w y) / W from the raw sums, and counts the
   * units and those whose rows all lie in one cluster. Returns whether every unit is in one cluster.
   */
  boolean units(Dataset<Row> slim, Map<String, Gram> grams, int[] allTimes) {
    levelsByPeriod = hasCategory && levels.size() > allTimes.length;
    Boolean nested = unitsPass(slim, grams, allTimes);
    if (nested == null) {
      levelsByPeriod = false;
      nested = unitsPass(slim, grams, allTimes);
    }
    return nested;
  }

  /** {@link #units}; null (and the Gram untouched) when some unit's level varies within a period while pivoting by period. */
  private Boolean unitsPass(Dataset<Row> slim, Map<String, Gram> grams, int[] allTimes) {
    List<Column> aggs = unitColumns(allTimes, null);
    aggs.add(sum(col("w").multiply(col("y"))));
    Dataset<Row> byUnit = slim.groupBy(col("k"), col("u")).agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(new Column[0]));
    Map<String, Gram> shapes = grams;
    int nTimes = allTimes.length;
    Map<String, double[][]> parts = byUnit.javaRDD().treeAggregate(new HashMap<String, double[][]>(), (acc, r) -> {
      String key = r.getString(0);
      Gram g = shapes.get(key);
      double[][] part = acc.computeIfAbsent(key, x -> new double[][] {new double[g.p * g.p], new double[g.p], new double[3]});
      if (levelsByPeriod && !oneLevelPerPeriod(r, nTimes, 1)) {
        part[2][2] += 1;
        return acc;
      }
      double wSum = r.getDouble(2);
      int[] idx = new int[g.p];
      double[] v = new double[g.p];
      int nz = unitVector(r, g, allTimes, nTimes, 1, idx, v);
      double wy = r.getDouble(r.length() - 1);
      for (int a = 0; a < nz; a++) {
        double va = v[a] / wSum;
        part[1][idx[a]] += va * wy;
        int row = idx[a] * g.p;
        for (int b = 0; b < nz; b++) {
          part[0][row + idx[b]] += va * v[b];
        }
      }
      part[2][0] += 1;
      part[2][1] += r.getLong(3) == r.getLong(4) ? 1 : 0;
      return acc;
    }, (a, b) -> {
      for (Map.Entry<String, double[][]> e : b.entrySet()) {
        a.merge(e.getKey(), e.getValue(), (x, y) -> {
          for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < x[i].length; j++) {
              x[i][j] += y[i][j];
            }
          }
          return x;
        });
      }
      return a;
    }, 2);
    for (double[][] part : parts.values()) {
      if (part[2][2] > 0) {
        return null;
      }
    }
    boolean nested = true;
    for (Map.Entry<String, double[][]> e : parts.entrySet()) {
      Gram g = grams.get(e.getKey());
      double[][] part = e.getValue();
      for (int i = 0; i < g.p; i++) {
        g.rawDiag[i] = g.xx[i * g.p + i];
      }
      for (int i = 0; i < g.xx.length; i++) {
        g.xx[i] -= part[0][i];
      }
      for (int i = 0; i < g.xy.length; i++) {
        g.xy[i] -= part[1][i];
      }
      g.units = Math.round(part[2][0]);
      g.unitsWithOneCluster = Math.round(part[2][1]);
      nested &= g.units == g.unitsWithOneCluster;
    }
    return nested;
  }

  /**
   * Pass 2, for units nested in clusters: each unit's score R (a - s v / W) (R the inverse Gram's
   * rows of the interest coefficients), with its cluster hash and weighted residual sum of squares
   * sum w r^2 - s^2 / W, as (key, cluster hash, [score..., ssr]).
   */
  JavaRDD<Tuple3<String, Long, double[]>> scores(Dataset<Row> slim, Map<String, Gram> grams,
      int[] allTimes, Map<String, double[]> betas, Map<String, double[][]> rows) {
    Dataset<Row> withR = slim.withColumn("r", col("y").minus(fitted(grams, betas)));
    Column wr = col("w").multiply(col("r"));
    List<Column> aggs = unitColumns(allTimes, wr);
    aggs.add(sum(wr));
    aggs.add(sum(wr.multiply(col("r"))));
    Dataset<Row> byUnit = withR.groupBy(col("k"), col("u")).agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(new Column[0]));
    Map<String, Gram> shapes = grams;
    int nTimes = allTimes.length;
    return byUnit.javaRDD().map(r -> {
      String key = r.getString(0);
      Gram g = shapes.get(key);
      double wSum = r.getDouble(2);
      int[] idx = new int[g.p];
      double[] v = new double[g.p];
      int nz = unitVector(r, g, allTimes, nTimes, 2, idx, v);
      double[] a = new double[g.p];
      unitVectorAt(r, g, allTimes, nTimes, 5 + blockWidth(nTimes), 2, a);
      int last = r.length();
      double s = r.getDouble(last - 2);
      double ssr = r.getDouble(last - 1) - s * s / wSum;
      for (int q = 0; q < nz; q++) {
        a[idx[q]] -= s * v[q] / wSum;
      }
      // a is sparse (the unit's periods and levels): R a over its nonzeros only
      int na = 0;
      for (int j = 0; j < g.p; j++) {
        if (a[j] != 0) {
          idx[na] = j;
          v[na++] = a[j];
        }
      }
      double[][] rk = rows.get(key);
      double[] out = new double[rk.length + 1];
      for (int i = 0; i < rk.length; i++) {
        double t = 0;
        double[] ri = rk[i];
        for (int q = 0; q < na; q++) {
          t += ri[idx[q]] * v[q];
        }
        out[i] = t;
      }
      out[rk.length] = ssr;
      return new Tuple3<>(key, r.getLong(3), out);
    });
  }

  /**
   * Aggregations by unit: sum w, min and max cluster hash, then sum of {@code value} (w when
   * null) by time, value x_j, and value by category level; when value is given, the same block is
   * repeated for it after the weight block.
   */
  private List<Column> unitColumns(int[] allTimes, Column value) {
    List<Column> aggs = new ArrayList<>(List.of(sum(col("w")), min(col("ch")), max(col("ch"))));
    aggs.addAll(block(allTimes, col("w")));
    if (value != null) {
      aggs.addAll(block(allTimes, value));
    }
    if (levelsByPeriod) {
      // each period's level (min and max, equal when the level is constant within the period)
      for (int t : allTimes) {
        aggs.add(min(when(col("t").equalTo(t), col("lvl"))));
      }
      for (int t : allTimes) {
        aggs.add(max(when(col("t").equalTo(t), col("lvl"))));
      }
    }
    return aggs;
  }

  /** Columns of one block: periods, dense terms, and the levels unless they are read through the periods. */
  private int blockWidth(int nTimes) {
    return nTimes + kDense + (levelsByPeriod ? 0 : levels.size());
  }

  /** Column of the first period's minimum level, after {@code blocks} blocks. */
  private int levelColumn(int nTimes, int blocks) {
    return 5 + blocks * blockWidth(nTimes);
  }

  /** Whether each period of the unit has one level (or none). */
  private boolean oneLevelPerPeriod(Row r, int nTimes, int blocks) {
    int at = levelColumn(nTimes, blocks);
    for (int q = 0; q < nTimes; q++) {
      if (!r.isNullAt(at + q) && r.getInt(at + q) != r.getInt(at + nTimes + q)) {
        return false;
      }
    }
    return true;
  }

  private List<Column> block(int[] allTimes, Column value) {
    List<Column> aggs = new ArrayList<>();
    for (int t : allTimes) {
      aggs.add(sum(when(col("t").equalTo(t), value).otherwise(0.0)));
    }
    for (int j = 0; j < kDense; j++) {
      aggs.add(sum(value.multiply(x(j))));
    }
    if (!levelsByPeriod) {
      for (int l = 0; l < levels.size(); l++) {
        aggs.add(sum(when(col("lvl").equalTo(l), value).otherwise(0.0)));
      }
    }
    return aggs;
  }

  /** The unit's weight block as a sparse vector in the key's coordinates; returns its nonzero count. */
  private int unitVector(Row r, Gram g, int[] allTimes, int nTimes, int blocks, int[] idx, double[] v) {
    double[] dense = new double[g.p];
    unitVectorAt(r, g, allTimes, nTimes, 5, blocks, dense);
    int nz = 0;
    for (int j = 0; j < g.p; j++) {
      if (dense[j] != 0) {
        idx[nz] = j;
        v[nz++] = dense[j];
      }
    }
    return nz;
  }

  /** Reads one block (times, dense, levels) starting at column {@code start} into key coordinates. */
  private void unitVectorAt(Row r, Gram g, int[] allTimes, int nTimes, int start, int blocks, double[] out) {
    for (int q = 0; q < nTimes; q++) {
      int ti = g.timeIndex(allTimes[q]);
      if (ti >= 0) {
        out[ti] += r.getDouble(start + q);
      }
    }
    for (int j = 0; j < kDense; j++) {
      out[g.offset() + j] += r.getDouble(start + nTimes + j);
    }
    if (levelsByPeriod) {
      // the period's sum belongs to the level the unit has in that period
      int at = levelColumn(nTimes, blocks);
      for (int q = 0; q < nTimes; q++) {
        if (!r.isNullAt(at + q) && r.getInt(at + q) >= 0) {
          out[g.offset() + kDense + r.getInt(at + q)] += r.getDouble(start + q);
        }
      }
    } else {
      for (int l = 0; l < levels.size(); l++) {
        out[g.offset() + kDense + l] += r.getDouble(start + nTimes + kDense + l);
      }
    }
  }

  /** z'beta of an observation, by key: time effect, dense terms and category effect (collinear terms 0). */
  private Column fitted(Map<String, Gram> grams, Map<String, double[]> betas) {
    Column byKey = null;
    for (Map.Entry<String, Gram> e : grams.entrySet()) {
      Gram g = e.getValue();
      double[] b = betas.get(e.getKey());
      Column f = lit(0.0);
      Column timeEffect = null;
      for (int i = 1; i < g.times.length; i++) {
        double bi = finite(b[i - 1]);
        if (bi != 0) {
          timeEffect = (timeEffect == null ? when(col("t").equalTo(g.times[i]), bi) : timeEffect.when(col("t").equalTo(g.times[i]), bi));
        }
      }
      if (timeEffect != null) {
        f = f.plus(timeEffect.otherwise(0.0));
      }
      for (int j = 0; j < kDense; j++) {
        f = f.plus(x(j).multiply(finite(b[g.offset() + j])));
      }
      Column levelEffect = null;
      for (int l = 0; l < levels.size(); l++) {
        double bl = finite(b[g.offset() + kDense + l]);
        if (bl != 0) {
          Column is = col("lvl").equalTo(l);
          levelEffect = levelEffect == null ? when(is, bl) : levelEffect.when(is, bl);
        }
      }
      if (levelEffect != null) {
        f = f.plus(levelEffect.otherwise(0.0));
      }
      Column isKey = col("k").equalTo(e.getKey());
      byKey = byKey == null ? when(isKey, f) : byKey.when(isKey, f);
    }
    return byKey == null ? lit(0.0) : byKey.otherwise(0.0);
  }

  private static double finite(double v) {
    return Double.isFinite(v) ? v : 0.0;
  }

  /** Index of the observation's category among the listed levels, or -1 (reference or none). */
  private Column categoryLevel() {
    // one CASE per row, computed once: the aggregations then compare a small integer
    if (!hasCategory || levels.isEmpty()) {
      return lit(-1);
    }
    Column c = null;
    for (int l = 0; l < levels.size(); l++) {
      Column is = col("cat").equalTo(levels.get(l));
      c = c == null ? when(is, l) : c.when(is, l);
    }
    return c.otherwise(-1);
  }

  private static Column x(int j) {
    return col("x" + j);
  }
}
