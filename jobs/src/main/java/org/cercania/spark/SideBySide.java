package org.cercania.spark;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Runs independent pieces of driver work (each a few small Spark jobs: a table write, a small
 * estimation) on a few threads, so Spark schedules their jobs side by side and the gaps of one
 * (planning, file-system latency) are filled by another's tasks. Results come back in the order
 * given; the first failure (in that order) is rethrown as it was thrown, once the tasks not yet
 * started are cancelled (they never start) and the running ones have finished (a write is never cut
 * off half way).
 */
public final class SideBySide {
  private SideBySide() {}

  /** Runs every task of {@code tasks} on at most {@code threads} threads; results by key, in the map's order. */
  public static <K, V> Map<K, V> run(Map<K, Callable<V>> tasks, int threads) {
    if (tasks.isEmpty()) {
      return new LinkedHashMap<>();
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(threads, tasks.size())));
    try {
      Map<K, Future<V>> futures = new LinkedHashMap<>();
      tasks.forEach((k, t) -> futures.put(k, pool.submit(t)));
      Map<K, V> out = new LinkedHashMap<>();
      for (Map.Entry<K, Future<V>> f : futures.entrySet()) {
        try {
          out.put(f.getKey(), await(f.getValue()));
        } catch (RuntimeException | Error e) {
          futures.values().forEach(q -> q.cancel(false)); // queued tasks never start; running ones are not interrupted
          pool.shutdown();
          awaitRunning(pool);
          throw e;
        }
      }
      return out;
    } finally {
      pool.shutdown();
    }
  }

  /** Waits for the tasks already running when a failure came to finish (their writes end whole). */
  private static void awaitRunning(ExecutorService pool) {
    try {
      while (!pool.awaitTermination(1, TimeUnit.MINUTES)) {
        // a running Spark job; keep waiting
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The future's value; its task's exception rethrown as it was thrown (checked ones wrapped). */
  private static <T> T await(Future<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for work running side by side", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(e.getCause());
    }
  }
}
