package org.cercania.ingest;

import java.io.IOException;
import java.nio.charset.Charset;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.cercania.errors.Errors;

/**
 * Whether a CSV file ends with a whole record. An export that died mid-record leaves a file whose
 * last line ends inside an open quote, or (with no final newline) has fewer fields than the header;
 * the line-by-line reader would turn that line into one malformed row and silently drop everything
 * the export never wrote, so such a file is TRUNCATED and the job stops. Only the file's tail is read
 * (the last line, found backwards from the end), so the check costs the same for any file size.
 */
final class CsvTail {
  private static final int WINDOW = 64 * 1024;

  /** What the parser sees in one line: its field count and whether it ends inside a quoted field. */
  record LineShape(int fields, boolean openQuote) {}

  private CsvTail() {}

  /** Fails with a TRUNCATED error naming {@code file} when its last record is cut short; each file of a directory is checked. */
  static void check(Configuration conf, String file, CsvDialect dialect, int headerFields) {
    Path p = new Path(file);
    try {
      FileSystem fs = p.getFileSystem(conf);
      FileStatus status = fs.getFileStatus(p);
      if (status.isDirectory()) {
        for (FileStatus part : fs.listStatus(p, f -> !f.getName().startsWith(".") && !f.getName().startsWith("_"))) {
          checkFile(fs, part, part.getPath().toString(), dialect, headerFields);
        }
      } else {
        checkFile(fs, status, file, dialect, headerFields);
      }
    } catch (IOException e) {
      throw Errors.inputUnreadable(file, String.valueOf(e.getMessage()), e); // the reader has already opened it
    }
  }

  private static void checkFile(FileSystem fs, FileStatus status, String name, CsvDialect dialect, int headerFields)
      throws IOException {
    long length = status.getLen();
    if (length == 0) {
      return;
    }
    try (FSDataInputStream in = fs.open(status.getPath())) {
      byte[] tail;
      int lineStart;
      long from;
      int window = WINDOW;
      while (true) {
        from = Math.max(0, length - window);
        tail = new byte[(int) (length - from)];
        in.readFully(from, tail);
        lineStart = lastLineStart(tail);
        if (lineStart >= 0 || from == 0) {
          break;
        }
        window *= 4;
      }
      if (lineStart < 0) {
        return; // the whole file is one line: the header (the reader reports "no data rows")
      }
      boolean finalNewline = tail[tail.length - 1] == '\n';
      int end = tail.length - (finalNewline ? 1 : 0);
      String last = new String(tail, lineStart, end - lineStart, Charset.forName(dialect.encoding()));
      if (last.endsWith("\r")) {
        last = last.substring(0, last.length() - 1);
      }
      LineShape shape = shape(last, dialect.delimiter().charAt(0));
      String where = String.format(Locale.ROOT, "its last record (from byte %,d: '%s')", from + lineStart,
          abbreviate(last));
      if (shape.openQuote()) {
        throw Errors.truncated(name, where + " ends inside an open quote");
      }
      if (!finalNewline && shape.fields() < headerFields) {
        throw Errors.truncated(name, where + " has " + shape.fields() + " of the header's " + headerFields
            + " fields and no final newline");
      }
    }
  }

  /** Index just after the newline that starts the last line (a final newline ends that line); -1 when none is in {@code tail}. */
  static int lastLineStart(byte[] tail) {
    int i = tail.length - 1;
    if (i >= 0 && tail[i] == '\n') {
      i--;
    }
    for (; i >= 0; i--) {
      if (tail[i] == '\n') {
        return i + 1;
      }
    }
    return -1;
  }

  /**
   * The line's fields and quote state as the CSV parser reads it: a quote opens a quoted field only at
   * the field's start (after leading blanks), a doubled quote inside one is a literal quote, and
   * delimiters inside quotes do not split.
   */
  static LineShape shape(String line, char delimiter) {
    int fields = 1;
    boolean inQuotes = false;
    boolean fieldStart = true;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (inQuotes) {
        if (c == '"') {
          if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
            i++;
          } else {
            inQuotes = false;
          }
        }
      } else if (c == delimiter) {
        fields++;
        fieldStart = true;
      } else if (c == '"' && fieldStart) {
        inQuotes = true;
        fieldStart = false;
      } else if (c != ' ' && c != '\t') {
        fieldStart = false;
      }
    }
    return new LineShape(fields, inQuotes);
  }

  private static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 28) + " ... " + s.substring(s.length() - 27);
  }
}
