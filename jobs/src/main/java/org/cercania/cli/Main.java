package org.cercania.cli;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cercania.errors.CercaniaException;

/**
 * The application entry point, for {@code bin/cercania} and for
 * {@code spark-submit --class org.cercania.cli.Main cercania-jobs.jar <command> [options]}.
 */
public final class Main {
  private Main() {}

  static Map<String, Command> commands() {
    Map<String, Command> m = new LinkedHashMap<>();
    for (Command c : List.<Command>of(new SampleCommand(), new IngestCommand(), new ExposureCommand(),
        new StageCommand("panel", "Join outcomes with exposure into OUT/panel (Delta), one row per outcome, unit and year.", Pipeline::panel),
        new StageCommand("estimate", "TWFE by ring, event studies, diagnostics, and effects by distance band (cs/sun-abraham/imputation, twfe beside) with the distance curve into OUT/results (Delta).", Pipeline::estimate),
        new StageCommand("publish", "Publish the run's snapshot under OUT/published/<run_id> (estimates, event_study, truth, distance tables, maps, ingest summary, diagnostics, manifest), then point OUT/published/CURRENT at it.",
            Pipeline::publish),
        new RunCommand(), new ReportCommand(), new HistoryCommand(), new ShowCommand(), new VacuumCommand(), new DidCommand(),
        new MonteCarloCommand(), new TrialCommand(), new ValidateCommand(), new BenchCommand())) {
      m.put(c.name(), c);
    }
    return m;
  }

  public static void main(String[] args) {
    int code = run(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  /** Runs one command and returns its exit code; never calls System.exit (tests call this). */
  public static int run(String[] args) {
    Map<String, Command> commands = commands();
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
      System.out.println(usage(commands));
      return args.length == 0 ? 2 : 0;
    }
    Command c = commands.get(args[0]);
    if (c == null) {
      System.err.println("cercania: unknown command '" + args[0] + "'\n\n" + usage(commands));
      return 2;
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    if (c instanceof CommandGroup g) {
      if (rest.length == 0 || rest[0].startsWith("-")) {
        System.out.println(g.usage());
        return rest.length == 0 ? 2 : 0;
      }
      c = g.actions().get(rest[0]);
      if (c == null) {
        System.err.println("cercania " + g.name() + ": unknown action '" + rest[0] + "'\n\n" + g.usage());
        return 2;
      }
      rest = Arrays.copyOfRange(rest, 1, rest.length);
    }
    Options options = c.options();
    if (Arrays.asList(rest).contains("--help") || Arrays.asList(rest).contains("-h")) {
      System.out.println(options.help(c.summary()));
      return 0;
    }
    try {
      return c.run(options.parse(rest));
    } catch (CercaniaException e) {
      System.err.println("cercania " + c.name() + ": error [" + e.code() + "]: " + e.getMessage());
      return e.exitCode();
    } catch (Exception e) {
      CercaniaException cause = findCause(e);
      if (cause != null) {
        System.err.println("cercania " + c.name() + ": error [" + cause.code() + "]: " + cause.getMessage());
        return cause.exitCode();
      }
      System.err.println("cercania " + c.name() + ": unexpected failure: " + e);
      e.printStackTrace(System.err);
      return 1;
    }
  }

  /** Spark wraps exceptions thrown in tasks; the user still gets our message. */
  private static CercaniaException findCause(Throwable t) {
    for (Throwable x = t; x != null; x = x.getCause()) {
      if (x instanceof CercaniaException ce) {
        return ce;
      }
    }
    return null;
  }

  static String usage(Map<String, Command> commands) {
    StringBuilder b = new StringBuilder("usage: cercania <command> [options]   (cercania <command> --help for its options)\n\ncommands:\n");
    for (Command c : commands.values()) {
      b.append(String.format("  %-10s %s%n", c.name(), c.summary()));
    }
    b.append("\nbin/cercania also takes --master URL (default local[*]) and passes it to spark-submit.");
    return b.toString();
  }
}
