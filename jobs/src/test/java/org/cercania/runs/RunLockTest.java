package org.cercania.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.cercania.errors.CercaniaException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunLockTest {
  private static final Duration DAY = Duration.ofDays(1);

  @Test
  void aSecondRunFailsFastNamingTheHolderAndGetsTheLockOnceItIsReleased(@TempDir Path out) throws Exception {
    ExecutorService other = Executors.newSingleThreadExecutor();
    try (RunLock first = RunLock.acquire(out.toString(), DAY, "run --out " + out)) {
      long t0 = System.nanoTime();
      CercaniaException e = other.submit(() -> assertThrows(CercaniaException.class,
          () -> RunLock.acquire(out.toString(), DAY, "ingest"))).get();
      assertTrue((System.nanoTime() - t0) / 1e9 < 5, "fails fast");
      assertEquals("LOCKED", e.code());
      assertEquals(5, e.exitCode());
      assertTrue(e.getMessage().contains("pid " + ProcessHandle.current().pid() + " on host " + RunLock.hostName()), e.getMessage());
      assertTrue(e.getMessage().contains("run --out " + out), e.getMessage());
    } finally {
      other.shutdown();
    }
    assertFalse(Files.exists(out.resolve(".lock")), "released");
    RunLock.acquire(out.toString(), DAY, "again").close();
  }

  @Test
  void aLockHeldByAnotherProcessStopsThisOneUntilThatProcessDiesThenItIsTakenOver(@TempDir Path out) throws Exception {
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    Process holder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), LockHolder.class.getName(),
        out.toString()).redirectErrorStream(true).start();
    try {
      BufferedReader r = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
      assertEquals("held " + holder.pid(), r.readLine());
      CercaniaException e = assertThrows(CercaniaException.class, () -> RunLock.acquire(out.toString(), DAY, "run"));
      assertTrue(e.getMessage().contains("pid " + holder.pid() + " on host "), e.getMessage());
    } finally {
      holder.destroyForcibly();
      assertTrue(holder.waitFor(30, TimeUnit.SECONDS));
    }
    // The holder died without releasing: its lock is stale (dead pid on this host) and taken over.
    assertEquals(holder.pid(), RunLock.read(out.resolve(".lock")).pid());
    try (RunLock mine = RunLock.acquire(out.toString(), DAY, "run")) {
      assertEquals(ProcessHandle.current().pid(), RunLock.read(out.resolve(".lock")).pid());
    }
  }

  @Test
  void aLockOlderThanTheStaleAgeIsTakenOverAYoungOneOnAnotherHostIsNot(@TempDir Path out) throws Exception {
    Files.writeString(out.resolve(".lock"), "pid=1\nhost=elsewhere\nstarted=" + Instant.now().minus(Duration.ofHours(2))
        + "\ncommand=run\ntoken=t\n");
    assertThrows(CercaniaException.class, () -> RunLock.acquire(out.toString(), Duration.ofHours(3), "run"));
    try (RunLock lock = RunLock.acquire(out.toString(), Duration.ofHours(1), "run")) {
      assertEquals(ProcessHandle.current().pid(), RunLock.read(out.resolve(".lock")).pid());
    }
  }

  @Test
  void racingRunsTakeOverOneStaleLockExactlyOnce(@TempDir Path out) throws Exception {
    Process dead = new ProcessBuilder("true").start();
    dead.waitFor();
    Files.writeString(out.resolve(".lock"), "pid=" + dead.pid() + "\nhost=" + RunLock.hostName() + "\nstarted=" + Instant.now()
        + "\ncommand=run\ntoken=dead\n");
    int n = 8;
    CyclicBarrier start = new CyclicBarrier(n);
    ExecutorService pool = Executors.newFixedThreadPool(n);
    List<Future<RunLock>> tries = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      tries.add(pool.submit(() -> {
        start.await();
        try {
          return RunLock.acquire(out.toString(), DAY, "run");
        } catch (CercaniaException e) {
          assertEquals("LOCKED", e.code());
          return null;
        }
      }));
    }
    List<RunLock> won = new ArrayList<>();
    for (Future<RunLock> f : tries) {
      if (f.get() != null) {
        won.add(f.get());
      }
    }
    pool.shutdown();
    assertEquals(1, won.size(), "exactly one run holds the lock");
    won.get(0).close();
    assertFalse(Files.exists(out.resolve(".lock")));
  }
}
