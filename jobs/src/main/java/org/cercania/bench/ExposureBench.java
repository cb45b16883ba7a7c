package org.cercania.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.cercania.exposure.ExposureSpec;
import org.cercania.exposure.NearestOpenCenter;

/**
 * Times exposure ({@link NearestOpenCenter}) on units x 17 years against the naive cross join. The
 * cross join runs on a sample of units and is scaled linearly to all of them (it is linear in units
 * by construction: every unit meets every center); on the sample both outputs are compared row by row.
 */
public final class ExposureBench {
  private static final ExposureSpec SPEC = ExposureSpec.of(2010, 2026);

  private final SparkSession spark;
  private final Consumer<String> progress;

  public ExposureBench(SparkSession spark, Consumer<String> progress) {
    this.spark = spark;
    this.progress = progress;
  }

  /** The indexed run on {@code nUnits} units and the cross join on {@code nSample} of them, scaled. */
  public List<Measurement> run(int nUnits, int nSample, Path home) throws IOException {
    List<double[]> points = ExposureWorkload.cemPoints(home);
    boolean real = !points.isEmpty();
    Dataset<Row> centers = ExposureWorkload.centers(spark, points).cache();
    long nCenters = centers.count();
    Dataset<Row> units = ExposureWorkload.units(spark, centers, nUnits).cache();
    units.count();
    progress.accept(String.format("exposure: %d centers (%s), %,d units, %d years, radii %s km", nCenters,
        real ? "the real CEM points" : "synthetic", nUnits, SPEC.years(), SPEC.radiiKm()));
    // warm-up on a slice (JIT, broadcast machinery), not timed
    noop(NearestOpenCenter.compute(spark, centers, units.limit(Math.min(nUnits, 20_000)), SPEC));
    Reading indexed = InProcessMeter.measure(() -> noop(NearestOpenCenter.compute(spark, centers, units, SPEC)));

    Dataset<Row> sample = units.limit(nSample).cache();
    sample.count();
    Dataset<Row> naive = CrossJoin.plan(spark, centers, sample, SPEC).cache();
    Reading cross = InProcessMeter.measure(naive::count);
    long mismatches = CrossJoin.mismatches(NearestOpenCenter.compute(spark, centers, sample, SPEC), naive, SPEC);
    progress.accept(String.format("exposure: cross join on %,d sampled units: %.1f s wall, %.1f s CPU; %,d unit-years differ"
        + " from the indexed output", nSample, cross.seconds(), cross.cpuSeconds(), mismatches));
    naive.unpersist();
    sample.unpersist();
    units.unpersist();
    centers.unpersist();

    long rows = (long) nUnits * SPEC.years();
    double scale = (double) nUnits / nSample;
    Reading scaled = new Reading(cross.seconds() * scale, cross.cpuSeconds() * scale, cross.peakHeapBytes(), cross.peakRssBytes());
    // each one's ratio is to the indexed run: the cross-join row's ratio_to_floor is how many times slower it is
    Measurement ours = new Measurement("exposure", Measurement.IN_PROCESS, rows, indexed, indexed.seconds(), Double.NaN,
        null, "NearestOpenCenter.compute(centers, " + nUnits + " units, 2010-2026)");
    Measurement theirs = new Measurement("cross-join", Measurement.SCALED, rows, scaled, indexed.seconds(), Double.NaN,
        mismatches == 0, "units x centers x years with a geodesic UDF on " + nSample + " units, scaled x" + Math.round(scale));
    progress.accept(BenchReport.line(ours));
    progress.accept(BenchReport.line(theirs));
    return List.of(ours, theirs);
  }

  private static void noop(Dataset<Row> d) {
    d.write().format("noop").mode("overwrite").save();
  }
}
