package org.cercania.errors;

/** The one exception type the pipeline throws on purpose; its message is meant for the user. */
public final class CercaniaException extends RuntimeException {
  private final String code;
  private final int exitCode;

  CercaniaException(String code, int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
    this.exitCode = exitCode;
  }

  /** A stable machine-readable code such as USAGE or INPUT_UNREADABLE. */
  public String code() {
    return code;
  }

  /** The process exit code the launcher uses for this failure. */
  public int exitCode() {
    return exitCode;
  }
}
