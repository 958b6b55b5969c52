package io.prism.batch.api.data;

import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * Stores watchlists and their usage statistics. SPI. Thread-safe.
 *
 * <p>Writes validate the list first (see {@link Watchlist}) against the store's data-type
 * registry; an invalid list is rejected with the field named and the store is unchanged.
 */
public interface WatchlistStore extends AutoCloseable {

  /**
   * Stores a new list.
   *
   * @param watchlist the list; its id is ignored
   * @return the stored list with its id and times
   */
  Watchlist create(Watchlist watchlist);

  /**
   * Replaces a stored list.
   *
   * @param watchlist the list with its id
   * @return the stored list
   * @throws io.prism.batch.api.InvalidInputException if no list has that id
   */
  Watchlist update(Watchlist watchlist);

  /**
   * Deletes a list and its statistics.
   *
   * @param id the id
   * @return false if there was none
   */
  boolean delete(long id);

  /**
   * Reads a list.
   *
   * @param id the id
   * @return the list, or empty
   */
  Optional<Watchlist> get(long id);

  /**
   * Lists a user's lists.
   *
   * @param userId the user
   * @return the lists, by id
   */
  List<Watchlist> listByUser(String userId);

  /**
   * Lists every active list that takes part in automatic batches, highest priority first.
   *
   * @return the lists
   */
  List<Watchlist> activeAutoBatch();

  /**
   * Records one read through a list.
   *
   * @param watchlistId the list
   * @param responseTime how long the read took
   * @param cacheHit whether it was served from L1 or L2
   */
  void recordAccess(long watchlistId, Duration responseTime, boolean cacheHit);

  /**
   * Reads a day's usage statistics.
   *
   * @param watchlistId the list
   * @param day the day
   * @return the statistics, or empty when the list was not read that day
   */
  Optional<WatchlistUsage> usage(long watchlistId, LocalDate day);

  /** Releases resources. */
  @Override
  default void close() {}
}
