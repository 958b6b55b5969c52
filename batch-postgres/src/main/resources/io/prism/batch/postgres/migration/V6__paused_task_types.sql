-- Prism Batch schema: paused task types, per queue of io.prism.batch.postgres.PostgresTaskQueue
-- and for job control (PostgresJobStore).
-- ${schema} is replaced by the configured schema, quoted. Applied once, in one transaction, by
-- io.prism.batch.postgres.PostgresMigrations under an advisory lock.
--
-- A row per paused (queue, task type): every claim of the queue, on any JVM, reads this table
-- and leaves tasks of these types where they are. Deleting the row resumes the type.

CREATE TABLE ${schema}.prism_paused_task_types (
    queue_name  TEXT        NOT NULL,
    task_type   TEXT        NOT NULL,
    paused_at   TIMESTAMPTZ NOT NULL,

    PRIMARY KEY (queue_name, task_type)
);

-- The paused task types of io.prism.batch.postgres.PostgresJobStore (JobStore.pauseTaskType): what
-- job control on every node reads and applies to the jobs it runs, whatever queue they run on.
CREATE TABLE ${schema}.batch_paused_task_types (
    task_type   TEXT        PRIMARY KEY,
    paused_at   TIMESTAMPTZ NOT NULL
);
