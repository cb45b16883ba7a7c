package org.cercania.did;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.cercania.spark.JobGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every estimator does around its fit, written once: the Spark job group named for the
 * estimator, the panel checks ({@link PanelChecks}: cohort normalised, units treated in the first
 * period dropped with a note), the notes collected, and the notes and timing logged (never printed).
 *
 * @param <R> the estimator's detailed result: its {@link DidResult} and what its tests and callers inspect
 */
public abstract class PanelEstimator<R extends EstimatorResult> implements Estimator {
  private static final Logger LOG = LoggerFactory.getLogger(PanelEstimator.class);

  /** Runs the estimator and returns its detailed result. */
  public final R run(Dataset<Row> panel, DidSpec spec) {
    check(spec);
    long start = System.nanoTime();
    R detailed = JobGroup.run(panel.sparkSession(), "cercania " + name(), () -> {
      List<String> notes = new ArrayList<>();
      return fit(prepare(panel, spec, notes), spec, notes);
    });
    DidResult result = detailed.did();
    result.notes().forEach(n -> LOG.info("[{}] {}", name(), n));
    LOG.info(String.format(Locale.ROOT, "[%s] done in %.1f s", name(), (System.nanoTime() - start) / 1e9));
    return detailed;
  }

  @Override
  public final DidResult estimate(Dataset<Row> panel, DidSpec spec) {
    return run(panel, spec).did();
  }

  /** Refuses, before any Spark work, a spec the estimator cannot honour. */
  protected void check(DidSpec spec) {}

  /** The panel the fit sees: by default checked and cleaned by {@link PanelChecks#prepare}. */
  protected Dataset<Row> prepare(Dataset<Row> panel, DidSpec spec, List<String> notes) {
    return PanelChecks.prepare(panel, spec, name(), notes);
  }

  /** The estimator proper on the prepared panel; adds its messages about the data to {@code notes}. */
  protected abstract R fit(Dataset<Row> panel, DidSpec spec, List<String> notes);
}
