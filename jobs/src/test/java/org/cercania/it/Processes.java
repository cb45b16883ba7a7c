package org.cercania.it;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Stopping processes the tests started: by pid, each one's descendants first (executors under a worker), with SIGKILL. */
final class Processes {
  private Processes() {}

  /** SIGKILLs {@code p}'s descendants, then {@code p}, and waits until they are gone. */
  static void kill(ProcessHandle p) {
    List<ProcessHandle> tree = p.descendants().toList();
    for (ProcessHandle d : tree) {
      d.destroyForcibly();
    }
    p.destroyForcibly();
    for (ProcessHandle h : concat(tree, p)) {
      try {
        h.onExit().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        System.err.println("process " + h.pid() + " did not exit after SIGKILL: " + e);
      }
    }
  }

  private static List<ProcessHandle> concat(List<ProcessHandle> a, ProcessHandle b) {
    List<ProcessHandle> all = new ArrayList<>(a);
    all.add(b);
    return all;
  }
}
