package org.cercania.errors;

import java.nio.file.Path;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The single factory of user-facing errors: every message names the file, row, field or setting
 * at fault and says what was expected, so a user can fix the input without reading the code.
 */
public final class Errors {
  /** Exit codes: 2 bad usage, 3 unreadable or invalid input, 4 estimation impossible, 5 --out locked by another run, 1 anything else. */
  public static final int EXIT_USAGE = 2;
  public static final int EXIT_INPUT = 3;
  public static final int EXIT_ESTIMATION = 4;

  /** Code of {@link #badSpec} errors. */
  public static final String SPEC = "SPEC";
  private static final Pattern SPEC_MESSAGE = Pattern.compile("spec field (\\w+) is '(.*)', expected (.*)", Pattern.DOTALL);

  private Errors() {}

  public static CercaniaException usage(String message) {
    return new CercaniaException("USAGE", EXIT_USAGE, message, null);
  }

  public static CercaniaException unknownOption(String command, String option, Collection<String> known) {
    return usage("unknown option '" + option + "'; known options: " + String.join(", ", known)
        + " (see 'cercania " + command + " --help')");
  }

  public static CercaniaException missingOption(String command, String option) {
    return usage("missing required option " + option + " (see 'cercania " + command + " --help')");
  }

  public static CercaniaException badOptionValue(String option, String value, String expected) {
    return usage("option " + option + " has value '" + value + "', expected " + expected);
  }

  public static CercaniaException badSetting(String path, String value, String expected) {
    return usage("setting '" + path + "' is '" + value + "', expected " + expected);
  }

  /**
   * A bad field of an estimator's spec ({@code org.cercania.did.DidSpec}), named as the library
   * names it (e.g. {@code eventMin}); callers map the field to their own option or setting.
   */
  public static CercaniaException badSpec(String field, String value, String expected) {
    return new CercaniaException(SPEC, EXIT_USAGE, "spec field " + field + " is '" + value + "', expected " + expected, null);
  }

  /**
   * A {@link #badSpec} error as a command line reports it: the field (and any field the expected
   * value names) replaced by its option, as {@link #badOptionValue} words it; other errors unchanged.
   */
  public static CercaniaException specAsOption(CercaniaException e, Map<String, String> optionOfField) {
    Matcher m = SPEC_MESSAGE.matcher(e.getMessage());
    if (!SPEC.equals(e.code()) || !m.matches() || !optionOfField.containsKey(m.group(1))) {
      return e;
    }
    String expected = m.group(3);
    for (Map.Entry<String, String> f : optionOfField.entrySet()) {
      expected = expected.replaceAll("\\b" + f.getKey() + "\\b", f.getValue());
    }
    return badOptionValue(optionOfField.get(m.group(1)), m.group(2), expected);
  }

  public static CercaniaException inputMissing(Object file) {
    return new CercaniaException("INPUT_MISSING", EXIT_INPUT, "input file not found: " + file, null);
  }

  public static CercaniaException inputUnreadable(Object file, String problem, Throwable cause) {
    return new CercaniaException("INPUT_UNREADABLE", EXIT_INPUT, "cannot read " + file + ": " + problem, cause);
  }

  /** A file that ends mid-record (an export that died): refused whole, never read as a smaller dataset. */
  public static CercaniaException truncated(Object file, String problem) {
    return new CercaniaException("TRUNCATED", EXIT_INPUT, file + " is truncated: " + problem
        + "; the file ends mid-record, so rows after it are missing (re-export it). Nothing was written.", null);
  }

  /** A source far smaller than the previous run's: refused unless the run says it expects the drop. */
  public static CercaniaException volumeDrop(String source, Object file, long previous, long now, double maxDrop) {
    return new CercaniaException("VOLUME_DROP", EXIT_INPUT, String.format(Locale.ROOT,
        "%s (%s): %,d rows read, %,d in the previous run's manifest: a drop of %.1f%%, more than the %.1f%% allowed "
            + "(cercania.ingest.max_volume_drop). If the smaller source is expected, rerun with --accept-volume-drop %s. "
            + "Nothing was written.", source, file, now, previous, 100.0 * (previous - now) / previous, 100 * maxDrop, source), null);
  }

  public static CercaniaException missingColumn(Object file, String column, Collection<String> present) {
    return new CercaniaException("MISSING_COLUMN", EXIT_INPUT,
        file + ": required column '" + column + "' is missing; columns present: " + String.join(", ", present), null);
  }

  public static CercaniaException badValue(Object file, long row, String field, String value, String expected) {
    return new CercaniaException("BAD_VALUE", EXIT_INPUT,
        file + " row " + row + ", field '" + field + "': value '" + value + "' is not " + expected, null);
  }

  /** A bad value in a table without line numbers (a DataFrame): names the record by its key. */
  public static CercaniaException badRecord(Object table, String keyColumn, String key, String field, String value, String expected) {
    return new CercaniaException("BAD_VALUE", EXIT_INPUT,
        table + ": " + keyColumn + " '" + key + "', field '" + field + "': value '" + value + "' is not " + expected, null);
  }

  public static CercaniaException duplicateKey(Object table, String column, String value) {
    return new CercaniaException("DUPLICATE_KEY", EXIT_INPUT,
        table + ": " + column + " '" + value + "' appears more than once; it must be unique", null);
  }

  public static CercaniaException schema(String table, String problem) {
    return new CercaniaException("SCHEMA", EXIT_INPUT, "schema '" + table + "': " + problem, null);
  }

  public static CercaniaException reconciliation(String source, long read, long accepted, long rejected) {
    return new CercaniaException("RECONCILIATION", EXIT_INPUT, "source '" + source + "': rows read (" + read
        + ") != accepted (" + accepted + ") + rejected (" + rejected + "); refusing to publish", null);
  }

  /** A key that must be unique repeats: names both rows. */
  public static CercaniaException duplicateRow(Object file, long row, String field, String value, long firstRow) {
    return new CercaniaException("DUPLICATE_KEY", EXIT_INPUT, file + " row " + row + ", field '" + field + "': value '" + value
        + "' already appears in row " + firstRow + "; it must be unique", null);
  }

  public static CercaniaException missingValue(Object file, long row, String field) {
    return new CercaniaException("MISSING_VALUE", EXIT_INPUT, file + " row " + row + ", field '" + field + "': the value is empty", null);
  }

  /** A file holds fewer units than a draw needs. */
  public static CercaniaException tooFewUnits(Object file, String what, long have, long need) {
    return new CercaniaException("TOO_FEW_UNITS", EXIT_INPUT, file + ": " + what + " has " + have + " units (data rows), the draw"
        + " needs " + need, null);
  }

  public static CercaniaException estimation(String estimator, String problem) {
    return new CercaniaException("ESTIMATION", EXIT_ESTIMATION, estimator + ": " + problem, null);
  }

  /** A program or package the command needs is not installed; {@code install} says how to get it. */
  public static CercaniaException missingDependency(String what, String install) {
    return new CercaniaException("DEPENDENCY_MISSING", 1, what + " not found; " + install, null);
  }

  public static CercaniaException output(Path dir, String problem, Throwable cause) {
    return new CercaniaException("OUTPUT", 1, "cannot write " + dir + ": " + problem, cause);
  }

  /** A command run as a child process (the benchmark's whole-process runs) failed; its output is in {@code log}. */
  public static CercaniaException subprocess(String command, int exitCode, Path log) {
    return new CercaniaException("SUBPROCESS", 1, "'" + command + "' exited with code " + exitCode + "; its output is in " + log, null);
  }

  public static CercaniaException locked(String out, String holder) {
    return new CercaniaException("LOCKED", 5, "another run holds " + out + ": " + holder
        + "; wait for it to finish (a lock whose process died, or older than cercania.lock.stale_after, is taken over)", null);
  }
}
