-- Prism Batch schema, version 4: cancel requests on job records, used by
-- io.prism.batch.postgres.PostgresJobStore (JobStore.requestCancel / cancelRequested).
-- ${schema} is replaced by the configured schema, quoted. Applied once, in one transaction, by
-- io.prism.batch.postgres.PostgresMigrations under an advisory lock.
--
-- A cancel asked for on one node must reach the node that runs the job: the request is a time
-- on the job's row, set once (COALESCE keeps the first) and only while the job is pending or
-- running; the node running the job reads it at its poll interval by primary key, cancels the
-- job and writes status 'cancelled'. Updates of the record never touch this column.

ALTER TABLE ${schema}.batch_jobs ADD COLUMN cancel_requested_at TIMESTAMPTZ;
