package org.cercania.cli;

import java.util.Map;

/** A command with sub-actions ({@code cercania trial assign ...}): each action is a {@link Command} of its own. */
abstract class CommandGroup implements Command {
  /** The actions by name, in the order of the usage text. */
  abstract Map<String, Command> actions();

  String usage() {
    StringBuilder b = new StringBuilder("usage: cercania " + name() + " <action> [options]   (cercania " + name()
        + " <action> --help for its options)\n\n" + summary() + "\n\nactions:\n");
    for (Command c : actions().values()) {
      b.append(String.format("  %-11s %s%n", c.name().substring(c.name().indexOf(' ') + 1), c.summary()));
    }
    return b.toString();
  }

  @Override
  public Options options() {
    return new Options(name(), "<action> [options]");
  }

  @Override
  public int run(Options parsed) {
    System.out.println(usage());
    return 2;
  }
}
