package org.cercania.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.cercania.testing.Repo;

/**
 * A real Spark standalone cluster on 127.0.0.1 from the Maven jars, as ../shared/docs/STACK.md
 * describes: a Master and workers with one core each, in their own JVMs. Executors start only when
 * the worker has SPARK_SCALA_VERSION=2.12 and a SPARK_HOME holding jars/ (here: links to the jars of
 * jobs/target/spark-classpath.txt). Every process started (and its executors) is stopped by its pid on
 * {@link #close()}, and by a shutdown hook if the test JVM ends first.
 */
final class StandaloneCluster implements AutoCloseable {
  /** Memory each worker offers; the application asks for {@link #EXECUTOR_MEMORY} per executor. */
  static final String WORKER_MEMORY = "2g";
  static final String EXECUTOR_MEMORY = "1536m";

  private final Path dir;
  private final Path sparkHome;
  private final int port;
  private final List<Process> started = new ArrayList<>();
  private final List<Process> workers = new ArrayList<>();
  private final Thread hook = new Thread(this::stopAll);
  private Process master;

  private StandaloneCluster(Path dir) throws IOException {
    this.dir = dir;
    this.sparkHome = dir.resolve("spark-home");
    this.port = freePort();
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** Starts a master and {@code workers} one-core workers; returns when all workers have registered. */
  static StandaloneCluster start(Path dir, int workers) throws IOException, InterruptedException {
    StandaloneCluster c = new StandaloneCluster(dir);
    try {
      c.linkJars();
      c.master = c.launch("master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port",
          String.valueOf(c.port), "--webui-port", String.valueOf(freePort()));
      c.awaitLog(c.master, "master", "I have been elected leader", 3);
      for (int i = 0; i < workers; i++) {
        c.addWorker();
      }
      return c;
    } catch (IOException | InterruptedException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  String url() {
    return "spark://127.0.0.1:" + port;
  }

  /**
   * The spark-submit settings an application needs on this cluster (for CERCANIA_SPARK_CONF): {@code cores}
   * one-core executors, and the small-machine shuffle settings bin/cercania gives local runs.
   */
  String applicationConf(int cores) {
    return "--conf spark.sql.shuffle.partitions=4 --conf spark.default.parallelism=4"
        + " --conf spark.databricks.delta.snapshotPartitions=2 --conf spark.sql.adaptive.enabled=false"
        + " --conf spark.cores.max=" + cores + " --conf spark.executor.cores=1 --conf spark.executor.memory=" + EXECUTOR_MEMORY
        + " --conf spark.driver.host=127.0.0.1 --conf spark.ui.enabled=false"
        + " --conf spark.executor.extraJavaOptions=-DEPSG-HSQL.directory=" + dir.resolve("epsg");
  }

  /** Starts one more worker (one core) and waits until the master has registered it. */
  void addWorker() throws IOException, InterruptedException {
    int n = workers.size();
    Path work = Files.createDirectories(dir.resolve("worker-" + n));
    Process w = launch("worker-" + n, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--cores", "1",
        "--memory", WORKER_MEMORY, "--webui-port", String.valueOf(freePort()), "--work-dir", work.toString(), url());
    workers.add(w);
    awaitLog(w, "worker-" + n, "Successfully registered with master", 3);
  }

  /** The index of a live worker that is running an executor (a child JVM), or -1. */
  int busyWorker() {
    for (int i = 0; i < workers.size(); i++) {
      if (workers.get(i).isAlive() && workers.get(i).toHandle().children().findAny().isPresent()) {
        return i;
      }
    }
    return -1;
  }

  /** SIGKILLs worker {@code i} and its executor, as if its machine died. */
  void killWorker(int i) {
    Processes.kill(workers.get(i).toHandle());
  }

  /** The master's log so far. */
  String masterLog() throws IOException {
    return Files.readString(dir.resolve("master.log"), StandardCharsets.UTF_8);
  }

  private Process launch(String name, String mainClass, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of("-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", classpath(), mainClass));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile());
    Map<String, String> env = pb.environment();
    env.put("SPARK_HOME", sparkHome.toString());
    env.put("SPARK_SCALA_VERSION", "2.12");
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    env.put("SPARK_LOG_DIR", dir.toString());
    env.put("SPARK_WORKER_DIR", dir.toString());
    Process p = pb.start();
    started.add(p);
    System.out.println("cluster: started " + name + " (pid " + p.pid() + ")");
    return p;
  }

  /** Waits until {@code name}.log contains {@code text}; fails when {@code p} died or {@code minutes} passed. */
  private void awaitLog(Process p, String name, String text, int minutes) throws IOException, InterruptedException {
    Path log = dir.resolve(name + ".log");
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(minutes);
    while (System.nanoTime() < deadline) {
      if (Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).contains(text)) {
        return;
      }
      if (!p.isAlive()) {
        break;
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException(name + " did not log '" + text + "' within " + minutes + " min; its log:\n"
        + (Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "(none)"));
  }

  /** SPARK_HOME/jars: a link to each Spark jar Maven resolved (what a Spark distribution ships). */
  private void linkJars() throws IOException {
    Path jars = Files.createDirectories(sparkHome.resolve("jars"));
    for (String jar : classpath().split(":")) {
      Path link = jars.resolve(Paths.get(jar).getFileName());
      if (!Files.exists(link)) {
        Files.createSymbolicLink(link, Paths.get(jar));
      }
    }
  }

  private static String classpath() throws IOException {
    return Files.readString(Repo.root().resolve("jobs/target/spark-classpath.txt")).trim();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private void stopAll() {
    for (int i = started.size() - 1; i >= 0; i--) {
      if (started.get(i).isAlive()) {
        Processes.kill(started.get(i).toHandle());
      }
    }
  }

  @Override
  public void close() {
    stopAll();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down: the hook runs
    }
  }
}
