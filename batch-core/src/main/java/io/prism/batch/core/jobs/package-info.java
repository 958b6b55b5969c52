/**
 * The data-path jobs that run on the engine: {@code watchlist_warm}, {@code market_scan} and
 * {@code cache_clean} ({@link io.prism.batch.core.jobs.WarmJobs}), each recorded in a {@link
 * io.prism.batch.api.data.JobStore}; the warm processor they share ({@link
 * io.prism.batch.core.jobs.WarmProcessor}); reads through a watchlist that feed its usage
 * statistics ({@link io.prism.batch.core.jobs.WatchlistReader}); a feed of changed records
 * for the RAG sync ({@link io.prism.batch.core.jobs.ChangeFeed}); and job control — list, get,
 * trigger and cancel jobs (a cancel reaches the JVM that runs the job through the job store),
 * pause and resume schedules ({@link io.prism.batch.core.jobs.JobControl}); and the daily job
 * metrics it rolls up ({@link io.prism.batch.core.jobs.JobMetrics}).
 */
package io.prism.batch.core.jobs;
