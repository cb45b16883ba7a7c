package org.cercania.spark;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs independent pieces of driver work (each a few small Spark jobs: a table write, a small
 * estimation) on a few threads, so Spark schedules their jobs side by side and the gaps of one
 * (planning, file-system latency) are filled by another's tasks. Results come back in the order
 * given; the first failure (in that order) is rethrown as it was thrown.
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
        out.put(f.getKey(), await(f.getValue()));
      }
      return out;
    } finally {
      pool.shutdown(); // tasks given run to their end: a write is never cut off half way
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
