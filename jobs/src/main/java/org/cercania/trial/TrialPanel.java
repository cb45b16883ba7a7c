package org.cercania.trial;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.cercania.errors.Errors;

/** Checks on the panel a trial is estimated on: the columns exist and every cluster has exactly one arm. */
public final class TrialPanel {
  private TrialPanel() {}

  public static void requireColumns(Dataset<Row> panel, String file, List<String> columns) {
    List<String> present = List.of(panel.columns());
    for (String c : columns) {
      if (!present.contains(c)) {
        throw Errors.missingColumn(file, c, present);
      }
    }
  }

  /** The arm index of every cluster (0 = control = arms[0]); names the cluster whose arm is mixed or unknown. */
  public static Map<String, Integer> clusterArms(Dataset<Row> panel, String file, TrialSpec spec, List<String> arms) {
    List<Row> rows = panel.groupBy(col(spec.cluster()).cast("string").as("c"))
        .agg(min(col(spec.arm()).cast("string")), max(col(spec.arm()).cast("string")), countDistinct(col(spec.arm()))).collectAsList();
    Map<String, Integer> out = new LinkedHashMap<>();
    for (Row r : rows) {
      String cluster = r.getString(0);
      if (cluster == null) {
        throw Errors.badRecord(file, spec.cluster(), "(empty)", spec.cluster(), "", "a cluster id (rows without one cannot be analysed)");
      }
      if (r.getLong(3) != 1 || r.isNullAt(1)) {
        throw Errors.badRecord(file, spec.cluster(), cluster, spec.arm(), r.isNullAt(1) ? "" : r.getString(1) + " .. " + r.getString(2),
            "one arm for the whole cluster (the arm is assigned to clusters)");
      }
      int a = arms.indexOf(r.getString(1));
      if (a < 0) {
        throw Errors.badRecord(file, spec.cluster(), cluster, spec.arm(), r.getString(1), "one of the arms " + String.join(", ", arms));
      }
      out.put(cluster, a);
    }
    for (int a = 0; a < arms.size(); a++) {
      if (!out.containsValue(a)) {
        throw Errors.estimation("trial estimate", "arm '" + arms.get(a) + "' has no cluster in " + file);
      }
    }
    return out;
  }
}
