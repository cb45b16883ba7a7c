package org.cercania.testing;

import com.holdenkarau.spark.testing.JavaDataFrameSuiteBase;
import com.holdenkarau.spark.testing.SparkSessionProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One SparkSession for the whole test JVM (local[2], Delta enabled, small-machine settings),
 * closed when JUnit closes its root store. Test methods and constructors take a SparkSession or a
 * {@link JavaDataFrameSuiteBase} (spark-testing-base, bound to the same session) as a parameter.
 */
public final class SparkExtension implements ParameterResolver {
  private static final String KEY = "cercania.spark";

  private record Holder(SparkSession spark, JavaDataFrameSuiteBase frames) implements ExtensionContext.Store.CloseableResource {
    @Override
    public void close() {
      spark.stop();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext c) {
    Class<?> t = p.getParameter().getType();
    return t == SparkSession.class || t == JavaDataFrameSuiteBase.class;
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext c) {
    Holder h = c.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).getOrComputeIfAbsent(KEY, k -> start(), Holder.class);
    return p.getParameter().getType() == SparkSession.class ? h.spark() : h.frames();
  }

  /** The shared session, for code that is not a JUnit parameter (static helpers). */
  public static SparkSession session(ExtensionContext c) {
    return c.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).getOrComputeIfAbsent(KEY, k -> start(), Holder.class).spark();
  }

  private static Holder start() {
    try {
      Path warehouse = Files.createTempDirectory("cercania-warehouse");
      SparkSession spark = SparkSession.builder()
          .master("local[2]")
          .appName("cercania-tests")
          .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
          .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
          .config("spark.sql.shuffle.partitions", "2")
          .config("spark.default.parallelism", "2")
          .config("spark.databricks.delta.snapshotPartitions", "2")
          .config("spark.sql.adaptive.enabled", "false")
          .config("spark.ui.enabled", "false")
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.driver.bindAddress", "127.0.0.1")
          .config("spark.sql.warehouse.dir", warehouse.toString())
          .config("spark.sql.session.timeZone", "UTC")
          .getOrCreate();
      spark.sparkContext().setLogLevel("WARN");
      JavaDataFrameSuiteBase frames = new JavaDataFrameSuiteBase();
      SparkSessionProvider._sparkSession_$eq(spark); // never runBefore(): it would start a second context
      return new Holder(spark, frames);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
