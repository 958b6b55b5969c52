package io.prism.batch.api.data;

import java.time.Instant;
import java.time.LocalDate;

/**
 * One day's usage statistics of a watchlist (the seed's {@code watchlist_usage_stats}).
 *
 * @param watchlistId the list
 * @param day the day (Shanghai time)
 * @param accessCount reads through the list
 * @param lastAccessed the latest read
 * @param avgResponseMillis mean read latency in milliseconds
 * @param cacheHitRate fraction of reads served from L1 or L2, 0 to 1
 */
public record WatchlistUsage(
    long watchlistId, LocalDate day, long accessCount, Instant lastAccessed,
    double avgResponseMillis, double cacheHitRate) {}
