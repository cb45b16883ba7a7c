package org.cercania.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.cercania.errors.Errors;
import org.cercania.io.Progress;

/**
 * Refuses a source that shrank sharply against the previous run: when a source's rows read fall by
 * more than {@code maxDrop} (a share, {@code cercania.ingest.max_volume_drop}) below the rows read
 * in the previous run's manifest, the job stops with a VOLUME_DROP error before anything is written,
 * unless the source is among {@code accepted} (the run's {@code --accept-volume-drop}). Growth and
 * sources the previous manifest does not list always pass.
 */
public record VolumeGuard(double maxDrop, Set<String> accepted) {
  /** No previous-run comparison (library use, tests). */
  public static final VolumeGuard OFF = new VolumeGuard(1.0, Set.of());

  public VolumeGuard {
    if (!(maxDrop >= 0 && maxDrop <= 1)) {
      throw Errors.badSetting("cercania.ingest.max_volume_drop", String.valueOf(maxDrop), "a share between 0 and 1");
    }
    for (String s : accepted) {
      if (!IngestJob.ORDER.contains(s)) {
        throw Errors.badOptionValue("--accept-volume-drop", s, "a source: " + String.join(", ", IngestJob.ORDER));
      }
    }
    accepted = Set.copyOf(accepted);
  }

  /** Checks every result against {@code previousIngest} (the previous manifest's ingest section; null or missing = first run). */
  void check(JsonNode previousIngest, List<IngestJob.SourceResult> results, Progress progress) {
    JsonNode sources = previousIngest == null ? null : previousIngest.get("sources");
    if (sources == null) {
      return;
    }
    for (IngestJob.SourceResult r : results) {
      JsonNode before = sources.get(r.source());
      if (before == null || before.get("rows_read") == null) {
        continue;
      }
      long previous = before.get("rows_read").asLong();
      if (previous <= 0 || previous - r.read() <= maxDrop * previous) {
        continue;
      }
      if (!accepted.contains(r.source())) {
        throw Errors.volumeDrop(r.source(), r.file(), previous, r.read(), maxDrop);
      }
      progress.info(String.format(Locale.ROOT, "%s: %,d rows read, %,d in the previous run (-%.1f%%): accepted (--accept-volume-drop)",
          r.source(), r.read(), previous, 100.0 * (previous - r.read()) / previous));
    }
  }
}
