package org.cercania.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/**
 * The published manifest's k rule on row counts: a source about people (survey: its contract is
 * private) with 1 to 9 rejected or fixed rows has those counts nulled and named; zero and large
 * counts stay, and a source not about people (centers) keeps its small counts.
 */
class ManifestSuppressionTest {
  @Test
  void smallRowCountsOfSourcesAboutPeopleAreNulledAndNamed() throws Exception {
    ObjectNode m = (ObjectNode) new ObjectMapper().readTree("""
        {"run": {"run_id": "r1"},
         "ingest": {"sources": {
           "survey": {"file": "s.csv", "rows_read": 8160, "rows_accepted": 8151, "rows_rejected": 9, "rows_fixed": 10,
                      "rows_after_as_of": 0},
           "centers": {"file": "c.csv", "rows_read": 60, "rows_accepted": 57, "rows_rejected": 3, "rows_fixed": 1}}}}
        """);
    assertEquals(1, PublishJob.suppressSmallCounts(m, 10));
    ObjectNode survey = (ObjectNode) m.path("ingest").path("sources").path("survey");
    assertTrue(survey.get("rows_rejected").isNull());
    assertEquals("rows_rejected", survey.get("suppressed_counts").asText());
    assertEquals(10, survey.get("rows_fixed").asInt());
    assertEquals(0, survey.get("rows_after_as_of").asInt());
    assertEquals(8160, survey.get("rows_read").asInt());
    ObjectNode centers = (ObjectNode) m.path("ingest").path("sources").path("centers");
    assertEquals(3, centers.get("rows_rejected").asInt());
    assertFalse(centers.has("suppressed_counts"));
  }
}
