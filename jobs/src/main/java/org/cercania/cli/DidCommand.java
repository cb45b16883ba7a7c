package org.cercania.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.cercania.did.DidResult;
import org.cercania.did.cs.CallawaySantAnna;
import org.cercania.did.cs.CsOptions;
import org.cercania.did.DidSpec;
import org.cercania.did.Estimator;
import org.cercania.did.Estimators;
import org.cercania.did.SeConvention;
import org.cercania.errors.CercaniaException;
import org.cercania.errors.Errors;
import org.cercania.io.Inputs;
import org.cercania.io.Outputs;
import org.cercania.io.Progress;
import org.cercania.io.RunLayout;
import org.cercania.io.SparkSessions;

/**
 * {@code cercania did}: any estimator on any panel file, no geography involved. Writes the result's
 * tables and prints a summary: the overall ATT, the coefficients (first SE convention), cs's dynamic
 * aggregation, and the result's notes.
 */
public final class DidCommand implements Command {
  @Override
  public String name() {
    return "did";
  }

  @Override
  public String summary() {
    return "Run a difference-in-differences estimator on any panel (CSV or Parquet) and write its tables as Parquet under --out.";
  }

  @Override
  public Options options() {
    return new Options(name(), "--input FILE --unit COL --time COL --cohort COL --outcome COL --estimator NAME --out DIR [options]")
        .value("--input", "FILE", "panel file: .csv (header) or .parquet (file or folder)")
        .value("--format", "csv|parquet", "input format when the extension does not tell")
        .value("--unit", "COL", "unit id column")
        .value("--time", "COL", "time period column (integer)")
        .value("--cohort", "COL", "first treated period; 0 or empty = never treated")
        .value("--outcome", "COL", "outcome column")
        .value("--estimator", "NAME", "one of: " + String.join(", ", Estimators.names()))
        .value("--out", "DIR", "output folder")
        .value("--control", "never|not-yet", "control group", "never")
        .value("--covariates", "A,B", "covariates (cs)")
        .value("--method", "dr|ipw|reg", "cs estimation method", "dr")
        .value("--base-period", "varying|universal", "cs base period", "varying")
        .value("--anticipation", "K", "periods of anticipation", "0")
        .value("--weights", "COL", "sampling weights column")
        .value("--cluster", "COL", "cluster column for standard errors (default: the unit)")
        .flag("--repeated-cross-section", "rows are independent cross-sections, not a panel of units")
        .flag("--leave-one-out", "imputation: BJS's leave-one-out refinement of the conservative variance (Stata did_imputation's leaveout)")
        .flag("--cr2", "cs: the CR2 (Bell-McCaffrey) adjustment of each cohort's treated mean in the analytic variance (panels without covariates)")
        .value("--group", "COL", "imputation: integer column grouping the treated observations (a distance bin, a subgroup):"
            + " adds each group's ATT (group::v) from the same first stage and the joint covariance of every term (table covariance)")
        .value("--bootstrap", "N", "multiplier bootstrap draws (cs)", "0")
        .value("--seed", "S", "bootstrap seed", "1")
        .value("--event-min", "E", "first event time (earlier ones are binned into it)")
        .value("--event-max", "E", "last event time (later ones are binned into it)")
        .value("--se-convention", "NAME", "fixest_default, cluster_g_only, cluster_raw, cluster_full_k or all", "fixest_default");
  }

  /** The spec's fields as this command's options, to report a bad spec field as the option the user gave. */
  private static final Map<String, String> OPTION_OF_FIELD = Map.of("estimator", "--estimator", "method", "--method",
      "control", "--control", "basePeriod", "--base-period", "anticipation", "--anticipation", "seConventions",
      "--se-convention", "eventMin", "--event-min", "eventMax", "--event-max", "bootstrap", "--bootstrap");

  @Override
  public int run(Options o) {
    try {
      return estimate(o);
    } catch (CercaniaException e) {
      throw Errors.specAsOption(e, OPTION_OF_FIELD);
    }
  }

  private int estimate(Options o) {
    Progress progress = new Progress("did");
    Estimator estimator = Estimators.byName(o.require("--estimator"));
    if (o.flag("--cr2")) {
      if (!"cs".equals(o.get("--estimator"))) {
        throw Errors.usage("--cr2 applies to --estimator cs only (got " + o.get("--estimator") + ")");
      }
      estimator = new CallawaySantAnna(CsOptions.defaults().withCr2(true));
    }
    RunLayout out = new RunLayout(o.require("--out"));
    SparkSession spark = SparkSessions.get("cercania did");
    Dataset<Row> panel = Inputs.readTable(spark, o.require("--input"), o.get("--format"));
    // Spark reads a dot in a column name as a struct field: rename such columns (first.treat -> first_treat).
    List<String> original = Arrays.asList(panel.columns());
    for (String c : original) {
      if (c.contains(".")) {
        panel = panel.withColumnRenamed(c, c.replace('.', '_'));
      }
    }
    DidSpec spec = spec(o, original);
    // No count here: on a large panel a separate pass just for a progress line costs as much as a fit;
    // the estimators report the rows they use (n_obs).
    progress.info("panel " + o.get("--input") + " with columns " + String.join(", ", panel.columns()));
    DidResult result = estimator.estimate(panel, spec);
    List<String> summary = new ArrayList<>();
    for (Map.Entry<String, Dataset<Row>> t : result.tables().entrySet()) {
      Dataset<Row> table = t.getValue().cache();
      Outputs.writeParquet(table, out.table(t.getKey()));
      progress.step("wrote " + out.table(t.getKey()), table.count());
      summary.addAll(DidSummary.table(t.getKey(), table, spec.mainConvention()));
      table.unpersist();
    }
    DidSummary.overall(result.overall()).ifPresent(progress::info);
    summary.forEach(progress::info);
    result.notes().forEach(n -> progress.info("note: " + n));
    progress.done();
    return 0;
  }

  private static DidSpec spec(Options o, List<String> original) {
    DidSpec.Builder b = DidSpec.builder(column(o, "--unit", original), column(o, "--time", original),
        column(o, "--cohort", original), column(o, "--outcome", original));
    if (o.get("--weights") != null) {
      b.weights(column(o, "--weights", original));
    }
    if (o.get("--cluster") != null) {
      b.cluster(column(o, "--cluster", original));
    }
    if (o.get("--covariates") != null) {
      List<String> covs = new ArrayList<>();
      for (String c : o.get("--covariates").split(",")) {
        covs.add(check(c.trim(), "--covariates", original));
      }
      b.covariates(covs);
    }
    b.control(DidSpec.ControlGroup.parse(o.get("--control")));
    b.method(DidSpec.Method.parse(o.get("--method")));
    b.basePeriod(DidSpec.BasePeriod.parse(o.get("--base-period")));
    b.anticipation(o.integer("--anticipation", 0));
    b.repeatedCrossSection(o.flag("--repeated-cross-section"));
    b.leaveOneOut(o.flag("--leave-one-out"));
    if (o.get("--group") != null) {
      if (!"imputation".equals(o.get("--estimator"))) {
        throw Errors.usage("--group applies to --estimator imputation only (got " + o.get("--estimator") + ")");
      }
      b.group(column(o, "--group", original));
    }
    b.bootstrap(o.integer("--bootstrap", 0));
    b.seed(o.longValue("--seed", 1));
    b.eventWindow(o.get("--event-min") == null ? null : o.integer("--event-min", 0),
        o.get("--event-max") == null ? null : o.integer("--event-max", 0));
    String se = o.get("--se-convention");
    b.seConventions("all".equals(se) ? List.of(SeConvention.values()) : List.of(SeConvention.parse(se)));
    return b.build();
  }

  private static String column(Options o, String option, List<String> columns) {
    return check(o.require(option), option, columns);
  }

  private static String check(String c, String option, List<String> columns) {
    if (!columns.contains(c)) {
      throw Errors.badOptionValue(option, c, "a column of the input (" + String.join(", ", columns) + ")");
    }
    return c.replace('.', '_');
  }
}
