package org.cercania.errors;

import java.nio.file.Path;
import java.util.Collection;

/**
 * The single factory of user-facing errors: every message names the file, row, field or setting
 * at fault and says what was expected, so a user can fix the input without reading the code.
 */
public final class Errors {
  /** Exit codes: 2 bad usage, 3 unreadable or invalid input, 4 estimation impossible, 5 --out locked by another run, 1 anything else. */
  public static final int EXIT_USAGE = 2;
  public static final int EXIT_INPUT = 3;
  public static final int EXIT_ESTIMATION = 4;

  private Errors() {}

  public static CercaniaException usage(String message) {
    return new CercaniaException("USAGE", EXIT_USAGE, message, null);
  }

  public static CercaniaException unknownOption(String command, String option, Collection<String> known) {
    return usage("cercania " + command + ": unknown option '" + option + "'; known options: " + String.join(", ", known)
        + " (see 'cercania " + command + " --help')");
  }

  public static CercaniaException missingOption(String command, String option) {
    return usage("cercania " + command + ": missing required option " + option + " (see 'cercania " + command + " --help')");
  }

  public static CercaniaException badOptionValue(String option, String value, String expected) {
    return usage("option " + option + " has value '" + value + "', expected " + expected);
  }

  public static CercaniaException badSetting(String path, String value, String expected) {
    return usage("setting '" + path + "' is '" + value + "', expected " + expected);
  }

  public static CercaniaException inputMissing(Object file) {
    return new CercaniaException("INPUT_MISSING", EXIT_INPUT, "input file not found: " + file, null);
  }

  public static CercaniaException inputUnreadable(Object file, String problem, Throwable cause) {
    return new CercaniaException("INPUT_UNREADABLE", EXIT_INPUT, "cannot read " + file + ": " + problem, cause);
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

  public static CercaniaException estimation(String estimator, String problem) {
    return new CercaniaException("ESTIMATION", EXIT_ESTIMATION, estimator + ": " + problem, null);
  }

  public static CercaniaException output(Path dir, String problem, Throwable cause) {
    return new CercaniaException("OUTPUT", 1, "cannot write " + dir + ": " + problem, cause);
  }

  public static CercaniaException locked(String out, String holder) {
    return new CercaniaException("LOCKED", 5, "another run holds " + out + ": " + holder
        + "; wait for it to finish (a lock whose process died, or older than cercania.lock.stale_after, is taken over)", null);
  }
}
