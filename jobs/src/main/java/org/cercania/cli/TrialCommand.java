package org.cercania.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code cercania trial}: assign, analyse and simulate cluster-randomised trials. */
public final class TrialCommand extends CommandGroup {
  @Override
  public String name() {
    return "trial";
  }

  @Override
  public String summary() {
    return "Cluster-randomised trials: assign stations to arms, estimate effects with few-cluster inference, Monte Carlo check.";
  }

  @Override
  Map<String, Command> actions() {
    Map<String, Command> m = new LinkedHashMap<>();
    m.put("assign", new TrialAssignCommand());
    m.put("estimate", new TrialEstimateCommand());
    m.put("montecarlo", new TrialMonteCarloCommand());
    return m;
  }
}
