package org.cercania.runs;

import java.io.IOException;
import java.io.StringReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.UUID;
import org.cercania.errors.Errors;

/**
 * One writer per {@code --out}: the lock file {@code OUT/.lock} (pid, host, start time, command), created
 * with O_EXCL so two processes cannot both hold it. A second run fails fast naming the holder. A stale
 * lock (its process dead on this host, or older than {@code staleAfter}) is taken over under a second
 * exclusive file, {@code OUT/.lock.takeover}, so two runs finding the same stale lock cannot both take it.
 * Local folders only: on object storage, where no create is exclusive, one scheduler must serialise runs.
 */
public final class RunLock implements AutoCloseable {
  /** How long a takeover may hold {@code .lock.takeover} before it is itself considered dead. */
  static final Duration TAKEOVER_STALE = Duration.ofMinutes(1);

  private final Path file;
  private final String token;

  private RunLock(Path file, String token) {
    this.file = file;
    this.token = token;
  }

  /** The holder of a lock as written in its file. */
  public record Holder(long pid, String host, Instant started, String command, String token) {
    public String describe() {
      return "pid " + pid + " on host " + host + " since " + started + " (" + command + ")";
    }

    boolean stale(Duration staleAfter, Instant now) {
      boolean deadHere = host.equals(hostName()) && ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
      return deadHere || started.plus(staleAfter).isBefore(now);
    }
  }

  /** Takes the lock of {@code out} for {@code command}, or throws {@code LOCKED} naming the live holder. */
  public static RunLock acquire(String out, Duration staleAfter, String command) {
    Path dir = local(out);
    Path file = dir.resolve(".lock");
    String token = UUID.randomUUID().toString();
    String content = "pid=" + ProcessHandle.current().pid() + "\nhost=" + hostName() + "\nstarted=" + Instant.now()
        + "\ncommand=" + command.replace('\n', ' ') + "\ntoken=" + token + "\n";
    try {
      Files.createDirectories(dir);
      for (int attempt = 0; attempt < 3; attempt++) {
        if (createExclusive(file, content)) {
          return new RunLock(file, token);
        }
        Holder h = read(file);
        if (h == null) {
          continue; // released between our create and our read
        }
        if (!h.stale(staleAfter, Instant.now())) {
          throw Errors.locked(out, "lock " + file + " held by " + h.describe());
        }
        takeOver(dir, file, h);
      }
    } catch (IOException e) {
      throw Errors.output(file, "cannot create the run lock: " + e.getMessage(), e);
    }
    Holder h = read(file);
    throw Errors.locked(out, "lock " + file + " held by " + (h == null ? "a run that keeps changing" : h.describe()));
  }

  /** Removes {@code stale} (only if the lock file still is that holder's) under the exclusive takeover file. */
  private static void takeOver(Path dir, Path file, Holder stale) throws IOException {
    Path mutex = dir.resolve(".lock.takeover");
    if (!createExclusive(mutex, "pid=" + ProcessHandle.current().pid() + "\n")) {
      Instant since = Files.getLastModifiedTime(mutex).toInstant();
      if (since.plus(TAKEOVER_STALE).isBefore(Instant.now())) {
        Files.deleteIfExists(mutex);
      }
      return; // another run is taking over; the caller retries
    }
    try {
      Holder now = read(file);
      if (now != null && now.token().equals(stale.token())) {
        System.err.println("[lock] taking over the stale lock " + file + " of " + stale.describe());
        Files.delete(file);
      }
    } finally {
      Files.deleteIfExists(mutex);
    }
  }

  private static boolean createExclusive(Path file, String content) throws IOException {
    try {
      Files.write(file, content.getBytes(StandardCharsets.UTF_8), java.nio.file.StandardOpenOption.CREATE_NEW,
          java.nio.file.StandardOpenOption.WRITE);
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    }
  }

  /** The holder of the lock file, or null when there is none. */
  public static Holder read(Path file) {
    try {
      Properties p = new Properties();
      p.load(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
      if (p.getProperty("token") == null) {
        // being written: treat as held by an unknown live process for now
        return new Holder(-1, "?", Instant.now(), "starting", "");
      }
      return new Holder(Long.parseLong(p.getProperty("pid")), p.getProperty("host"), Instant.parse(p.getProperty("started")),
          p.getProperty("command", ""), p.getProperty("token"));
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException | RuntimeException e) {
      throw Errors.inputUnreadable(file, "not a run lock (pid, host, started, token): " + e.getMessage(), e);
    }
  }

  /** Releases the lock if it is still this one's. */
  @Override
  public void close() {
    Holder h = read(file);
    if (h != null && h.token().equals(token)) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        System.err.println("[lock] could not remove " + file + ": " + e.getMessage());
      }
    }
  }

  static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      String h = System.getenv("HOSTNAME");
      return h == null ? "localhost" : h;
    }
  }

  private static Path local(String out) {
    if (out.startsWith("file:")) {
      return Paths.get(java.net.URI.create(out));
    }
    if (out.contains("://")) {
      throw Errors.usage("--out " + out + ": the run lock needs a local folder; on object storage let one scheduler "
          + "serialise runs and pass --set cercania.lock.enabled=false");
    }
    return Paths.get(out);
  }
}
