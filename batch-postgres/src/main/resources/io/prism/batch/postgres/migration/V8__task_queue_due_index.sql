-- Prism Batch schema: what PostgresTaskQueue.awaitClaimable and nextNotBefore read.
-- ${schema} is replaced by the configured schema, quoted. Applied once, in one transaction, by
-- io.prism.batch.postgres.PostgresMigrations under an advisory lock.
--
-- Waiting tasks of a queue by not-before time: whether one is due now, and when the next one
-- is, each in one short index scan however many tasks wait for a later time.

CREATE INDEX prism_tasks_due ON ${schema}.prism_tasks (queue_name, not_before)
    WHERE state IN ('pending', 'retrying');
