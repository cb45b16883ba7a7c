package org.cercania.estimate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.cercania.did.DidSpec;
import org.cercania.did.fe.EventStudy;
import org.cercania.did.fe.FixedEffectsRegression;
import org.cercania.did.bacon.GoodmanBacon;
import org.cercania.did.SeConvention;
import org.cercania.errors.CercaniaException;
import org.cercania.io.Manifest;
import org.cercania.io.Progress;
import org.cercania.io.Run;
import org.cercania.io.TableSchema;
import org.cercania.panel.Outcome;
import org.cercania.spark.SideBySide;

/**
 * Diagnostics of the inner-ring design, written beside the estimates for notebook 4:
 * <ul>
 *   <li>{@code OUT/results/bacon}: the library's Goodman-Bacon decomposition ({@link GoodmanBacon}) for every
 *   main (non-placebo) outcome, on unit x year means (survey respondents weighted), treatment switching on at
 *   the inner-ring cohort. It decomposes the TWFE of the outcome on that one indicator; the published
 *   estimates also hold the second and third rings, so the two coefficients differ by those controls.</li>
 *   <li>{@code OUT/results/pretests}: for every outcome, the joint Wald test that the published event study's
 *   leads (event times below -1) are zero, from the same fits as {@code results/event_study}.</li>
 * </ul>
 * An outcome the decomposition cannot take (e.g. an unbalanced panel) is reported and left out, never a failure.
 */
public final class Diagnostics {
  static final String PRETEST = "leads_jointly_zero";
  /** Outcomes decomposed at once. */
  private static final int BACON_THREADS = 3;

  private final SparkSession spark;
  private final Run run;
  private final SeConvention convention;

  /** Diagnostics of {@code run}: its rows of results/bacon and results/pretests are replaced. */
  public Diagnostics(SparkSession spark, Run run, SeConvention convention) {
    this.spark = spark;
    this.run = run;
    this.convention = convention;
  }

  /**
   * {@code eventFits}: the event-study fits by outcome; their coefficient {@code offset + j} is event time
   * {@code levels.get(j)} (the first {@code offset} coefficients are controls).
   */
  public void run(Dataset<Row> panel, Map<String, FixedEffectsRegression.Fit> eventFits, List<Integer> levels, int offset) {
    Progress progress = new Progress("diagnostics");
    List<Row> pretests = new ArrayList<>();
    for (Outcome o : Outcome.values()) {
      Row r = eventFits.containsKey(o.id()) ? leadsTest(o, eventFits.get(o.id()), levels, offset) : null;
      if (r != null) {
        pretests.add(r);
        progress.info(String.format(Locale.ROOT, "pre-trend test %-26s F(%d, %d) = %.3f  p=%.3f", o.id(), r.getInt(6),
            r.getLong(7), r.getDouble(5), r.getDouble(8)));
      }
    }
    List<Row> bacon = new ArrayList<>();
    ObjectNode section = Manifest.newSection();
    // The outcomes' decompositions are independent small Spark jobs: run a few side by side.
    Map<Outcome, Callable<Decomposition>> work = new LinkedHashMap<>();
    for (Outcome o : Outcome.values()) {
      if (!o.placebo()) {
        work.put(o, () -> {
          try {
            return new Decomposition(
                new GoodmanBacon().run(unitYearMeans(panel, o.id()), DidSpec.builder("unit_id", "year", "cohort", "value").build()), null);
          } catch (CercaniaException ex) {
            return new Decomposition(null, ex);
          }
        });
      }
    }
    for (Map.Entry<Outcome, Decomposition> e : SideBySide.run(work, BACON_THREADS).entrySet()) {
      Outcome o = e.getKey();
      if (e.getValue().leftOut() != null) {
        progress.info("bacon " + o.id() + " left out: " + e.getValue().leftOut().getMessage());
        section.put("bacon_left_out." + o.id(), e.getValue().leftOut().getMessage());
        continue;
      }
      GoodmanBacon.Result res = e.getValue().result();
      double coefficient = 0;
      for (GoodmanBacon.Comparison c : res.comparisons()) {
        bacon.add(RowFactory.create(o.family(), o.id(), c.type(), c.treated(), c.control(), c.estimate(), c.weight()));
        coefficient += c.estimate() * c.weight();
      }
      progress.info(String.format(Locale.ROOT, "bacon %-26s %d comparisons, TWFE inner-ring coefficient %.4f", o.id(),
          res.comparisons().size(), coefficient));
    }
    Map<String, Callable<Long>> writes = new LinkedHashMap<>();
    writes.put("bacon", () -> run.write(spark.createDataFrame(bacon, TableSchema.load("bacon_by_outcome").structType()),
        run.layout().result("bacon"), null));
    writes.put("pretests", () -> run.write(spark.createDataFrame(pretests, TableSchema.load("pretests").structType()),
        run.layout().result("pretests"), null));
    Map<String, Long> written = SideBySide.run(writes, 2);
    long nb = written.get("bacon");
    long np = written.get("pretests");
    progress.step("wrote results/bacon and results/pretests", nb + np);
    section.put("bacon_rows", nb);
    section.put("pretests", np);
    section.put("seconds", progress.seconds());
    Manifest.record(spark.sparkContext().hadoopConfiguration(), run.manifest(), "diagnostics", section);
    progress.done();
  }

  /** One outcome's Goodman-Bacon decomposition, or why it was left out (exactly one is non-null). */
  private record Decomposition(GoodmanBacon.Result result, CercaniaException leftOut) {}

  /** One row per unit and year of an outcome: the (weighted) mean value, the unit's cohort. */
  static Dataset<Row> unitYearMeans(Dataset<Row> panel, String outcome) {
    return panel.filter(col("outcome").equalTo(lit(outcome)))
        .groupBy("unit_id", "year", "cohort")
        .agg(sum(col("value").multiply(col("weight"))).divide(sum("weight")).as("value"));
  }

  /** The published event study's lead test as a pretests row; null when it has no lead. */
  Row leadsTest(Outcome o, FixedEffectsRegression.Fit f, List<Integer> levels, int offset) {
    EventStudy.LeadsTest t = EventStudy.leadsTest(f, levels, offset, convention);
    return t == null ? null : RowFactory.create(o.family(), o.id(), "event-study", PRETEST, t.wald(), t.f(), t.df1(), t.df2(),
        t.pValue(), convention.label());
  }
}
