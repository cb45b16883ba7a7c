package org.cercania.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Compares two writes of the same small result tables (coefficients, att_gt, aggregates, bacon):
 * same rows, doubles equal to 1e-9 relative (NaN equals NaN). Rows are matched after sorting by
 * their printed values, so the order a writer used does not matter.
 */
final class TableComparison {
  private static final double TOLERANCE = 1e-9;

  private TableComparison() {}

  /** The first difference between {@code a/t} and {@code b/t} over the tables {@code t}, or empty when they agree. */
  static Optional<String> firstDifference(SparkSession spark, String a, String b, List<String> tables) {
    for (String t : tables) {
      List<Row> ra = sorted(spark, a + "/" + t);
      List<Row> rb = sorted(spark, b + "/" + t);
      if (ra.size() != rb.size()) {
        return Optional.of(t + ": " + ra.size() + " rows against " + rb.size());
      }
      for (int i = 0; i < ra.size(); i++) {
        if (!same(ra.get(i), rb.get(i))) {
          return Optional.of(t + ": " + ra.get(i) + " against " + rb.get(i));
        }
      }
    }
    return Optional.empty();
  }

  private static List<Row> sorted(SparkSession spark, String path) {
    List<Row> rows = new ArrayList<>(spark.read().parquet(path).collectAsList());
    rows.sort(Comparator.comparing(TableComparison::key));
    return rows;
  }

  /** The row's non-double values (doubles may differ in their last digits, so they do not order rows). */
  private static String key(Row r) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < r.length(); i++) {
      b.append(r.get(i) instanceof Double ? "" : String.valueOf(r.get(i))).append('|');
    }
    return b.toString();
  }

  private static boolean same(Row x, Row y) {
    for (int i = 0; i < x.length(); i++) {
      Object u = x.get(i);
      Object v = y.get(i);
      if (u instanceof Double du && v instanceof Double dv) {
        if (!close(du, dv)) {
          return false;
        }
      } else if (u == null ? v != null : !u.equals(v)) {
        return false;
      }
    }
    return true;
  }

  private static boolean close(double u, double v) {
    if (Double.isNaN(u) || Double.isNaN(v)) {
      return Double.isNaN(u) && Double.isNaN(v);
    }
    return u == v || Math.abs(u - v) <= TOLERANCE * Math.max(1, Math.max(Math.abs(u), Math.abs(v)));
  }
}
