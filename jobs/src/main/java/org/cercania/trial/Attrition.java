package org.cercania.trial;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Attrition by arm: every woman in the panel is expected in every follow-up month that occurs in it;
 * per arm the women, those seen at baseline, the follow-up woman-months expected and observed, the
 * share missing, the women observed in every follow-up month, and the difference in the missing share
 * from control with its wild cluster bootstrap p-value (woman-level regression of her missing share on
 * the arm dummies, clustered by station).
 */
public final class Attrition {
  /** One arm. */
  public record Line(String arm, long women, long baselineWomen, long expectedMonths, long observedMonths, double missingShare,
      Double diffVsControl, Double wildP, long completers) {}

  private Attrition() {}

  public static List<Line> of(Dataset<Row> panel, TrialSpec spec, List<String> arms, Map<String, Integer> armOfCluster,
      TrialEffects.Settings s) {
    long months = panel.filter(col(spec.time()).notEqual(lit(spec.baseline()))).select(spec.time()).distinct().count();
    Dataset<Row> women = panel.groupBy(col(spec.unit())).agg(first(col(spec.cluster()).cast("string")).as("_cluster"),
        max(when(col(spec.time()).equalTo(lit(spec.baseline())), 1).otherwise(0)).as("_base"),
        countDistinct(when(col(spec.time()).notEqual(lit(spec.baseline())), col(spec.time()))).as("_seen"));
    Dataset<Row> x = women.select(col("_cluster"), lit(1.0).as("_v0"), lit(1.0).as("_v1"),
        lit(1.0).minus(col("_seen").cast("double").divide(lit((double) months))).as("_v2"));
    ClusterCrossProducts cp = TrialDesignMatrix.perCluster(x, 3, List.of("intercept"), "1");
    int[] armOf = cp.clusters().stream().mapToInt(armOfCluster::get).toArray();
    ClusterRegression reg = cp.regression(armOf, arms.size());
    BootstrapWeights w = BootstrapWeights.parse(s.weights(), cp.clusterCount());
    List<Row> byCluster = women.groupBy("_cluster").agg(count(lit(1)).as("n"),
        sum("_base").as("base"), sum("_seen").as("seen"),
        sum(when(col("_seen").equalTo(lit(months)), 1).otherwise(0)).as("complete")).collectAsList();
    long[][] tally = new long[arms.size()][4];
    for (Row r : byCluster) {
      long[] t = tally[armOfCluster.get(r.getString(0))];
      t[0] += r.getLong(1);
      t[1] += r.getLong(2);
      t[2] += r.getLong(3);
      t[3] += r.getLong(4);
    }
    List<Line> out = new ArrayList<>();
    double controlShare = share(tally[0], months);
    for (int a = 0; a < arms.size(); a++) {
      Double diff = null;
      Double p = null;
      if (a > 0) {
        WildClusterBootstrap.Result r = WildClusterBootstrap.test(reg, new Contrast(a, 0, "").vector(reg.regressors()), w, s.draws(),
            s.seed(), s.level());
        diff = share(tally[a], months) - controlShare;
        p = r.p();
      }
      out.add(new Line(arms.get(a), tally[a][0], tally[a][1], tally[a][0] * months, tally[a][2], share(tally[a], months), diff, p,
          tally[a][3]));
    }
    return out;
  }

  private static double share(long[] t, long months) {
    return t[0] == 0 ? Double.NaN : 1 - (double) t[2] / (t[0] * months);
  }
}
