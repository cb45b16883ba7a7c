package org.cercania.trial;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.cercania.errors.Errors;
import org.cercania.io.TableSchema;

/**
 * The assignment as rows of trial_assignment (every station of the file: drawn or not, its arm) and
 * as a CSV written by hand in the contract's column order, so that the same file and seed give the
 * same bytes (a Parquet snapshot carries file names that differ between runs).
 */
public final class AssignmentFile {
  public static final String CSV = "trial_assignment.csv";

  private AssignmentFile() {}

  /** One row per station of the file, in id order: station_id, stratum, row, drawn, arm. */
  public static List<Row> rows(List<Station> all, StationAssignment.Result a, List<String> arms) {
    Map<String, String> armOf = new HashMap<>();
    for (int g = 0; g < a.drawn().size(); g++) {
      armOf.put(a.drawn().get(g).id(), arms.get(a.armOf()[g]));
    }
    List<Row> out = new ArrayList<>();
    all.stream().sorted(Comparator.comparing(Station::id)).forEach(s -> out.add(
        RowFactory.create(s.id(), s.stratum(), s.row(), armOf.containsKey(s.id()), armOf.get(s.id()))));
    return out;
  }

  public static void writeCsv(Path file, List<Row> rows) {
    List<String> header = TableSchema.load("trial_assignment").columnNames();
    StringBuilder b = new StringBuilder(String.join(",", header)).append('\n');
    for (Row r : rows) {
      for (int i = 0; i < r.length(); i++) {
        b.append(i > 0 ? "," : "").append(r.isNullAt(i) ? "" : quote(String.valueOf(r.get(i))));
      }
      b.append('\n');
    }
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, b.toString(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw Errors.output(file, e.getMessage(), e);
    }
  }

  private static String quote(String v) {
    return v.contains(",") || v.contains("\"") ? "\"" + v.replace("\"", "\"\"") + "\"" : v;
  }
}
