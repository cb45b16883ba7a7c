package org.cercania.bench;

import java.util.ArrayList;
import java.util.List;
import org.cercania.did.DidSpec;

/**
 * One estimator configuration the benchmark times: its name in the table, the registered estimator
 * and its bootstrap draws (0: analytic SEs). The same configuration is built as a library spec (the
 * in-process run) and as {@code did} options (the whole-process run), so both runs estimate the same thing.
 */
public record BenchCase(String name, String estimator, int bootstrap) {
  /** Every case, in table order: cs has all four aggregations and analytic SEs; cs-bootstrap adds 1,000 draws. */
  public static final List<BenchCase> ALL = List.of(new BenchCase("twfe", "twfe", 0), new BenchCase("event-study", "event-study", 0),
      new BenchCase("cs", "cs", 0), new BenchCase("cs-bootstrap", "cs", 1000), new BenchCase("sun-abraham", "sun-abraham", 0),
      new BenchCase("imputation", "imputation", 0), new BenchCase("bacon", "bacon", 0));

  public static List<String> names() {
    return ALL.stream().map(BenchCase::name).toList();
  }

  public DidSpec spec() {
    return DidSpec.builder(BenchPanel.UNIT, BenchPanel.TIME, BenchPanel.COHORT, BenchPanel.OUTCOME).bootstrap(bootstrap).build();
  }

  /** The {@code did} command's options for this case on {@code panel}, writing under {@code out}. */
  public List<String> didArguments(String panel, String out) {
    List<String> a = new ArrayList<>(List.of("did", "--input", panel, "--unit", BenchPanel.UNIT, "--time", BenchPanel.TIME,
        "--cohort", BenchPanel.COHORT, "--outcome", BenchPanel.OUTCOME, "--estimator", estimator, "--out", out));
    if (bootstrap > 0) {
      a.addAll(List.of("--bootstrap", Integer.toString(bootstrap)));
    }
    return a;
  }
}
