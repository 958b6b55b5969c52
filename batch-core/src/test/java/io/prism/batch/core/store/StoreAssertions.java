package io.prism.batch.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prism.batch.api.data.DataRecord;
import io.prism.batch.api.data.JobRecord;

/**
 * Comparisons shared by the store contracts. JSON text is compared as JSON, since PostgreSQL's
 * {@code jsonb} keeps the document, not its spelling.
 */
final class StoreAssertions {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private StoreAssertions() {}

  static JsonNode json(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new AssertionError("not JSON: " + text, e);
    }
  }

  static void assertSameRecord(DataRecord actual, DataRecord expected) {
    assertThat(json(actual.payload())).as("payload of %s", expected.key())
        .isEqualTo(json(expected.payload()));
    assertThat(new DataRecord(actual.key(), expected.payload(), actual.contentHash(),
        actual.fetchedAt(), actual.source(), actual.stale()))
        .as("record %s", expected.key())
        .isEqualTo(expected);
  }

  static void assertSameJob(JobRecord actual, JobRecord expected) {
    assertThat(json(actual.resultSummary())).as("resultSummary of job %s", expected.id())
        .isEqualTo(json(expected.resultSummary()));
    assertThat(withSummary(actual, expected.resultSummary())).isEqualTo(expected);
  }

  static JobRecord withSummary(JobRecord j, String summary) {
    return new JobRecord(j.id(), j.jobName(), j.jobType(), j.jobCategory(), j.stockCode(),
        j.dataType(), j.watchlistId(), j.status(), j.priority(), j.scheduledTime(),
        j.startTime(), j.endTime(), j.processedCount(), j.successCount(), j.failedCount(),
        j.errorMessage(), summary, j.retryCount(), j.maxRetries(), j.createdAt());
  }
}
