package org.cercania.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SideBySideTest {

  @Test
  void resultsComeBackInTheOrderGivenWhateverOrderTheyFinishIn() {
    // the first task waits until the last has finished, so they cannot finish in the order given
    CountDownLatch lastDone = new CountDownLatch(1);
    Map<String, Callable<Integer>> tasks = new LinkedHashMap<>();
    tasks.put("a", () -> {
      lastDone.await(10, TimeUnit.SECONDS);
      return 1;
    });
    tasks.put("b", () -> 2);
    tasks.put("c", () -> {
      lastDone.countDown();
      return 3;
    });
    Map<String, Integer> out = SideBySide.run(tasks, 3);
    assertEquals(List.of("a", "b", "c"), List.copyOf(out.keySet()));
    assertEquals(List.of(1, 2, 3), List.copyOf(out.values()));
  }

  @Test
  void theFirstFailureInOrderIsRethrownAsItWasThrown() {
    IllegalArgumentException first = new IllegalArgumentException("first");
    Map<String, Callable<Integer>> tasks = new LinkedHashMap<>();
    tasks.put("ok", () -> 1);
    tasks.put("bad", () -> {
      throw first;
    });
    tasks.put("worse", () -> {
      throw new IllegalStateException("second");
    });
    assertSame(first, assertThrows(IllegalArgumentException.class, () -> SideBySide.run(tasks, 2)));
  }

  @Test
  void afterAFailureTheQueuedTasksNeverStartAndTheRunningOnesFinish() throws InterruptedException {
    // one thread: "bad" fails first, the other 50 wait in the queue
    java.util.concurrent.atomic.AtomicInteger started = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger finished = new java.util.concurrent.atomic.AtomicInteger();
    Map<String, Callable<Integer>> tasks = new LinkedHashMap<>();
    tasks.put("bad", () -> {
      throw new IllegalStateException("bad");
    });
    for (int i = 0; i < 50; i++) {
      tasks.put("t" + i, () -> {
        started.incrementAndGet();
        Thread.sleep(20);
        finished.incrementAndGet();
        return 0;
      });
    }
    assertThrows(IllegalStateException.class, () -> SideBySide.run(tasks, 1));
    int atReturn = finished.get();
    Thread.sleep(300); // long enough for 15 queued tasks to run, had they not been cancelled
    assertEquals(atReturn, started.get(), "nothing starts after the failure is rethrown");
    // at most the task the pool thread took before the cancellation ran, and it ran to its end before the rethrow
    assertTrue(started.get() <= 2, "tasks started after the failure: " + started.get());
    assertEquals(started.get(), finished.get());
  }

  @Test
  void noTasksNoThreads() {
    assertEquals(Map.of(), SideBySide.run(new LinkedHashMap<String, Callable<Integer>>(), 4));
  }
}
