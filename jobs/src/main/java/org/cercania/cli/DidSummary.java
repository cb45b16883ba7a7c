package org.cercania.cli;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.cercania.did.OverallAtt;
import org.cercania.did.SeConvention;

/**
 * The lines {@code cercania did} prints of a result, as R's summary(aggte(...)) and fixest's etable
 * print theirs: the overall ATT with its SE and 95% interval, the rows of a coefficients table (the
 * main SE convention only) and the dynamic aggregation of an aggregates table. Tables are small.
 */
final class DidSummary {
  private DidSummary() {}

  static Optional<String> overall(OverallAtt a) {
    if (a == null) {
      return Optional.empty();
    }
    String s = String.format(Locale.ROOT, "overall ATT (%s): %.4f", a.what(), a.estimate());
    if (Double.isFinite(a.se())) {
      s += String.format(Locale.ROOT, "  se %.4f  95%% [%.4f, %.4f]  p=%.4f", a.se(), a.lower(), a.upper(), a.pValue());
    }
    return Optional.of(s + String.format(Locale.ROOT, "  n=%,d", a.n()));
  }

  /** Lines for a written table: its coefficients or its dynamic aggregation; none for other tables. */
  static List<String> table(String name, Dataset<Row> table, SeConvention main) {
    List<String> lines = new ArrayList<>();
    if (name.equals("coefficients")) {
      List<Row> rows = table.collectAsList();
      // the main convention, or the estimator's own (imputation's bjs_conservative)
      String convention = rows.stream().map(r -> r.getString(3)).filter(main.label()::equals).findFirst()
          .orElse(rows.isEmpty() ? main.label() : rows.get(0).getString(3));
      lines.add(String.format(Locale.ROOT, "%-16s %10s %10s  (se: %s)", "term", "estimate", "se", convention));
      for (Row r : rows) {
        if (r.getString(3).equals(convention)) {
          lines.add(String.format(Locale.ROOT, "%-16s %10.4f %10s", r.getString(0), r.getDouble(1), number(r, 2)));
        }
      }
    } else if (name.equals("aggregates")) {
      lines.add(String.format(Locale.ROOT, "%-16s %10s %10s  %s", "event time", "estimate", "se", "interval"));
      for (Row r : table.filter(col("aggregation").equalTo("dynamic").and(col("key").isNotNull())).collectAsList()) {
        lines.add(String.format(Locale.ROOT, "%-16s %10.4f %10s  [%s, %s]", r.get(1), r.getDouble(2), number(r, 3), number(r, 4),
            number(r, 5)));
      }
    }
    return lines;
  }

  private static String number(Row r, int i) {
    return r.isNullAt(i) ? "NA" : String.format(Locale.ROOT, "%.4f", r.getDouble(i));
  }
}
