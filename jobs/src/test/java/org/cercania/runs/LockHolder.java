package org.cercania.runs;

import java.time.Duration;

/** A second process for {@link RunLockTest}: takes the lock of args[0], prints "held", then sleeps until killed. */
public final class LockHolder {
  private LockHolder() {}

  public static void main(String[] args) throws InterruptedException {
    RunLock lock = RunLock.acquire(args[0], Duration.ofHours(1), "LockHolder");
    System.out.println("held " + ProcessHandle.current().pid());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
    lock.close();
  }
}
