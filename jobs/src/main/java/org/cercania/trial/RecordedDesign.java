package org.cercania.trial;

import java.nio.file.Paths;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.cercania.errors.Errors;
import org.cercania.io.Inputs;

/**
 * The design {@code trial assign} recorded (trial_design, trial_assignment under its output folder),
 * read back so that randomisation inference re-runs the same procedure: the same strata and, when the
 * trial was re-randomised, the same balance rule on the stations' covariates (read again from the
 * units file named in the design).
 */
public final class RecordedDesign {
  private final String dir;
  private final Row design;
  private final Map<String, String> stratumOf = new HashMap<>();
  private final Map<String, String> armOf = new HashMap<>();

  private RecordedDesign(String dir, Row design, List<Row> assignment) {
    this.dir = dir;
    this.design = design;
    for (Row r : assignment) {
      if (r.getBoolean(r.fieldIndex("drawn"))) {
        stratumOf.put(r.getString(r.fieldIndex("station_id")), r.getString(r.fieldIndex("stratum")));
        armOf.put(r.getString(r.fieldIndex("station_id")), r.getString(r.fieldIndex("arm")));
      }
    }
  }

  public static RecordedDesign read(SparkSession spark, String dir) {
    List<Row> d = Inputs.readTable(spark, dir + "/trial_design", "parquet").collectAsList();
    if (d.size() != 1) {
      throw Errors.inputUnreadable(dir + "/trial_design", "expected one row, found " + d.size(), null);
    }
    return new RecordedDesign(dir, d.get(0), Inputs.readTable(spark, dir + "/trial_assignment", "parquet").collectAsList());
  }

  public List<String> arms() {
    return List.of(design.getString(design.fieldIndex("arms")).split(","));
  }

  private String text(String field) {
    int i = design.fieldIndex(field);
    return design.isNullAt(i) ? null : design.getString(i);
  }

  /**
   * The assignment procedure on the panel's clusters (in that order). Names the cluster that the
   * recorded assignment did not draw, or drew into another arm.
   */
  public ArmAssignment procedure(List<String> clusters, List<String> arms, Map<String, Integer> panelArm) {
    for (String c : clusters) {
      if (!stratumOf.containsKey(c)) {
        throw Errors.badRecord(dir + "/trial_assignment", "station_id", c, "drawn", "false or absent",
            "a drawn station (the panel has it)");
      }
      if (!arms.get(panelArm.get(c)).equals(armOf.get(c))) {
        throw Errors.badRecord(dir + "/trial_assignment", "station_id", c, "arm", armOf.get(c),
            "the panel's arm '" + arms.get(panelArm.get(c)) + "'");
      }
    }
    List<String> strata = clusters.stream().map(stratumOf::get).toList();
    String balanceOn = text("balance_on");
    if (balanceOn == null) {
      return new ArmAssignment(strata, arms.size(), null, null);
    }
    BalanceRule rule = new BalanceRule(List.of(balanceOn.split(",")), design.getDouble(design.fieldIndex("max_std_diff")),
        design.getInt(design.fieldIndex("max_tries")));
    StationFile.Contents units = StationFile.read(Paths.get(text("units_file")), text("id_column"), text("strata_column"),
        rule.covariates());
    Map<String, double[]> x = new HashMap<>();
    units.stations().forEach(s -> x.put(s.id(), s.covariates()));
    return new ArmAssignment(strata, arms.size(), clusters.stream().map(x::get).toArray(double[][]::new), rule);
  }

  public String describe() {
    return text("procedure") + " (seed " + design.getLong(design.fieldIndex("seed")) + ")";
  }
}
