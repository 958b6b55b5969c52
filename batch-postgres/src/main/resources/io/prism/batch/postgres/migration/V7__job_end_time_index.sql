-- Prism Batch schema, version 7: the daily metrics roll-up's read of the jobs that ended on a day,
-- used by io.prism.batch.postgres.PostgresJobStore (JobStore.finishedBetween).
-- ${schema} is replaced by the configured schema, quoted. Applied once, in one transaction, by
-- io.prism.batch.postgres.PostgresMigrations under an advisory lock.
--
-- The roll-up (io.prism.batch.core.jobs.JobMetrics) reads the jobs whose end_time falls in one
-- day (end_time >= :from AND end_time < :to ORDER BY end_time, id) and writes
-- batch_performance_metrics (V1) with INSERT ... ON CONFLICT (date, metric_type, metric_category).
-- Pending and running jobs have no end time, so the index leaves them out.

CREATE INDEX idx_batch_jobs_end_time ON ${schema}.batch_jobs(end_time, id) WHERE end_time IS NOT NULL;
