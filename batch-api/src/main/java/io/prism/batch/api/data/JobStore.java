package io.prism.batch.api.data;

import java.util.List;
import java.util.Optional;

/** Stores job records (the seed's {@code batch_jobs}). SPI. Thread-safe. */
public interface JobStore extends AutoCloseable {

  /**
   * Stores a new record.
   *
   * @param job the record; its id is ignored
   * @return the record with its id
   */
  JobRecord create(JobRecord job);

  /**
   * Replaces a stored record.
   *
   * @param job the record with its id
   */
  void update(JobRecord job);

  /**
   * Reads a record.
   *
   * @param id the id
   * @return the record, or empty
   */
  Optional<JobRecord> get(long id);

  /**
   * Lists the newest records, optionally of one type.
   *
   * @param jobType the type, or empty for all
   * @param limit the most records
   * @return newest first
   */
  List<JobRecord> recent(Optional<String> jobType, int limit);

  /** Releases resources. */
  @Override
  default void close() {}
}
