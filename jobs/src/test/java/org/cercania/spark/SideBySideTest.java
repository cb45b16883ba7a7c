package org.cercania.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
  void noTasksNoThreads() {
    assertEquals(Map.of(), SideBySide.run(new LinkedHashMap<String, Callable<Integer>>(), 4));
  }
}
