package org.cercania.distance;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.io.Serializable;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.cercania.errors.Errors;

/**
 * Who is treated, in which distance band and from when, and who is compared with them.
 *
 * <p>A point unit (school, survey cluster) is <em>exposed</em> in a year when its nearest open
 * center lies within the cutoff. It enters treatment in the first exposed year g, in the band
 * (edges[b-1], edges[b]] km (the first band from 0 inclusive) of its nearest open center that
 * year; the band is fixed at entry, so each band's treatment is absorbing and staggered by g. A
 * later, nearer center (a move to a nearer band) is part of the treatment path the band's ATT
 * averages over. Comparison units: never exposed (nearest open center beyond the cutoff in every
 * year of the window). Left out, and counted: units exposed in the window's first year (exposed
 * before the window: no pre-period), units exposed and later not (their only nearby center
 * closed: treatment reverses), units entering between the last edge and the cutoff (in no band).
 * A district is exposed in a year when a center in it is open; districts form one band.
 */
public final class RingDesign implements Serializable {
  public static final String TREATED = "treated";
  public static final String NEVER = "never_exposed";
  public static final String BEFORE = "exposed_before_window";
  public static final String ENDED = "exposure_ended";
  public static final String BEYOND = "entered_beyond_last_edge";
  /** Band index of comparison units. */
  public static final int CONTROL = -1;

  private final double[] edgesM;
  private final double cutoffM;

  /** edgesKm: increasing, the first 0; cutoffKm at least the last edge. */
  public RingDesign(List<Double> edgesKm, double cutoffKm) {
    if (edgesKm.size() < 2 || edgesKm.get(0) != 0.0) {
      throw Errors.badSetting("cercania.distance.edges_km", edgesKm.toString(), "at least two increasing edges, the first 0");
    }
    edgesM = new double[edgesKm.size()];
    for (int i = 0; i < edgesM.length; i++) {
      edgesM[i] = edgesKm.get(i) * 1000;
      if (i > 0 && !(edgesM[i] > edgesM[i - 1])) {
        throw Errors.badSetting("cercania.distance.edges_km", edgesKm.toString(), "strictly increasing edges");
      }
    }
    if (!(cutoffKm * 1000 >= edgesM[edgesM.length - 1])) {
      throw Errors.badSetting("cercania.distance.cutoff_km", String.valueOf(cutoffKm), "at least the last edge " + edgesKm.get(edgesKm.size() - 1));
    }
    cutoffM = cutoffKm * 1000;
  }

  public double cutoffM() {
    return cutoffM;
  }

  public int bands() {
    return edgesM.length - 1;
  }

  public double lowerM(int band) {
    return edgesM[band];
  }

  public double upperM(int band) {
    return edgesM[band + 1];
  }

  /** The truth term of a band (the sample's band_LO_HI, metres). */
  public String term(int band) {
    return String.format(Locale.ROOT, "band_%d_%d", Math.round(lowerM(band)), Math.round(upperM(band)));
  }

  /** The band of a distance in metres, or -1 beyond the last edge. */
  public int bandOf(double metres) {
    for (int b = 0; b < bands(); b++) {
      if (metres <= edgesM[b + 1]) {
        return b;
      }
    }
    return -1;
  }

  /**
   * One row per unit: family, unit_id, status, cohort (entry year, 0 for comparison units), band
   * (-1 for comparison units), entry_m (distance at entry, treated units only). From the panel's distinct (family, unit_id, year, nearest_distance_m,
   * ring1) rows; districts use ring1 (a center in the district) as exposure and band 0.
   */
  public Dataset<Row> units(Dataset<Row> panel) {
    Column district = col("family").equalTo("district");
    Column exposed = when(district, col("ring1").equalTo(1))
        .otherwise(col("nearest_distance_m").isNotNull().and(col("nearest_distance_m").leq(cutoffM)));
    Dataset<Row> years = panel.select(col("family"), col("unit_id"), col("year"), col("nearest_distance_m"), col("ring1"))
        .dropDuplicates("family", "unit_id", "year").withColumn("exposed", exposed);
    Dataset<Row> u = years.groupBy("family", "unit_id").agg(min("year").as("first_year"),
        min(when(col("exposed"), struct(col("year"), col("nearest_distance_m")))).as("entry"),
        max(when(not(col("exposed")), col("year"))).as("last_unexposed"));
    Column g = col("entry.year");
    Column entryBand = when(district, lit(0)).otherwise(bandColumn(col("entry.nearest_distance_m")));
    Column status = when(col("entry").isNull(), lit(NEVER))
        .when(g.equalTo(col("first_year")), lit(BEFORE))
        .when(col("last_unexposed").gt(g), lit(ENDED))
        .when(entryBand.lt(0), lit(BEYOND))
        .otherwise(lit(TREATED));
    return u.select(col("family"), col("unit_id"), status.as("status"),
        when(status.equalTo(TREATED), g).otherwise(lit(0)).as("cohort"),
        when(status.equalTo(TREATED), entryBand).otherwise(lit(CONTROL)).as("band"),
        when(status.equalTo(TREATED), col("entry.nearest_distance_m")).as("entry_m"));
  }

  private Column bandColumn(Column d) {
    Column c = lit(-1);
    for (int b = bands() - 1; b >= 0; b--) {
      c = when(d.leq(edgesM[b + 1]), lit(b)).otherwise(c);
    }
    return c;
  }

  /**
   * The estimation panel: family, outcome, unit_id, cluster_id, year, value, weight, cohort, band:
   * one row per outcome, unit and year (a survey cluster's respondents averaged with their weights;
   * every unit weighs 1), treated and comparison units only.
   */
  public static Dataset<Row> estimationPanel(Dataset<Row> panel, Dataset<Row> units) {
    Dataset<Row> cells = panel.groupBy("family", "outcome", "unit_id", "year").agg(
        sum(col("value").multiply(col("weight"))).divide(sum("weight")).as("value"), first("cluster_id").as("cluster_id"));
    Dataset<Row> keep = units.filter(col("status").isin(TREATED, NEVER)).select("family", "unit_id", "cohort", "band");
    return cells.join(keep, cells.col("family").equalTo(keep.col("family")).and(cells.col("unit_id").equalTo(keep.col("unit_id"))))
        .select(cells.col("family"), col("outcome"), cells.col("unit_id"), col("cluster_id"), col("year").cast("int").as("year"), col("value"),
            lit(1.0).as("weight"), col("cohort").cast("int").as("cohort"), col("band"));
  }

}
