-- Prism Batch schema: the task queue of io.prism.batch.postgres.PostgresTaskQueue.
-- ${schema} is replaced by the configured schema, quoted. Applied once, in one transaction, by
-- io.prism.batch.postgres.PostgresMigrations under an advisory lock.
--
-- One table holds every logical queue (queue_name) and every state, like db-scheduler's
-- scheduled_tasks: a task is one row from enqueue to purge.
--   * state is one of pending, running, retrying, succeeded, failed, cancelled;
--   * seq orders claims within a priority (FIFO); a retried task takes a new value, so it goes
--     behind the work of its priority enqueued so far; a released one keeps its value;
--   * token is the fencing token of the latest claim, from the sequence prism_task_token, so it
--     grows with every claim of a task and is never handed out twice, even after a purge;
--   * lease_owner and lease_expires describe the running claim; lease_expires is NULL when the
--     task is not running;
--   * settled_in_lease is true between PostgresTaskQueue.inLeaseTransaction, which records the
--     success together with the caller's own writes, and the engine's complete() that follows;
--   * times are TIMESTAMPTZ, kept to the microsecond.

CREATE SEQUENCE ${schema}.prism_task_seq;
CREATE SEQUENCE ${schema}.prism_task_token;

CREATE TABLE ${schema}.prism_tasks (
    queue_name        TEXT        NOT NULL,
    id                TEXT        NOT NULL,
    dedupe_key        TEXT        NOT NULL,
    task_type         TEXT        NOT NULL,
    priority          SMALLINT    NOT NULL,
    payload           TEXT        NOT NULL,
    state             TEXT        NOT NULL DEFAULT 'pending',
    attempts          INTEGER     NOT NULL DEFAULT 0,
    not_before        TIMESTAMPTZ NOT NULL,
    seq               BIGINT      NOT NULL DEFAULT nextval('${schema}.prism_task_seq'),
    token             BIGINT      NOT NULL DEFAULT 0,
    lease_owner       TEXT,
    lease_expires     TIMESTAMPTZ,
    settled_in_lease  BOOLEAN     NOT NULL DEFAULT false,
    last_error        TEXT,
    output            TEXT,
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL,

    PRIMARY KEY (queue_name, id),
    CONSTRAINT valid_task_state CHECK (state IN
        ('pending', 'running', 'retrying', 'succeeded', 'failed', 'cancelled')),
    CONSTRAINT valid_task_priority CHECK (priority BETWEEN 1 AND 5),
    CONSTRAINT valid_task_attempts CHECK (attempts >= 0),
    CONSTRAINT running_task_has_lease CHECK ((state = 'running') = (lease_expires IS NOT NULL))
);

-- idempotent enqueue: at most one task per dedupe key in a queue, in any state
CREATE UNIQUE INDEX prism_tasks_dedupe ON ${schema}.prism_tasks (queue_name, dedupe_key);

-- the claim: claimable tasks of a queue, best first
CREATE INDEX prism_tasks_claim ON ${schema}.prism_tasks (queue_name, priority DESC, seq)
    WHERE state IN ('pending', 'retrying');

-- releasing expired leases, and counting running tasks per type for concurrency caps
CREATE INDEX prism_tasks_running ON ${schema}.prism_tasks (queue_name, lease_expires)
    WHERE state = 'running';

-- counts by state, and purging old history
CREATE INDEX prism_tasks_state ON ${schema}.prism_tasks (queue_name, state, updated_at);
