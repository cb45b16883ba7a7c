package org.cercania.cli;

/** One subcommand of the launcher: declares its options, then runs with them parsed. */
public interface Command {
  String name();

  /** One line for the command list. */
  String summary();

  /** The options this command takes (a fresh, unparsed instance each call). */
  Options options();

  /** Runs the command; returns the process exit code. */
  int run(Options parsed) throws Exception;
}
