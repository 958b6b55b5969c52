-- Prism Batch schema, version 3: cluster-wide schedule fires, used by
-- io.prism.batch.postgres.PostgresFireGuard.
-- ${schema} is replaced by the configured schema, quoted. Applied once, in one transaction, by
-- io.prism.batch.postgres.PostgresMigrations under an advisory lock.
--
-- One row per claimed slot of a schedule: the primary key makes a second claim of the same
-- (schedule, slot) a no-op (INSERT ... ON CONFLICT DO NOTHING), so exactly one node runs it.
-- The latest row of a schedule is its last claimed slot, from which a restarted scheduler
-- catches up; purges never delete it.

CREATE TABLE ${schema}.prism_schedule_fires (
    schedule_name   VARCHAR(200) NOT NULL,          -- Schedule.MAX_NAME_LENGTH
    scheduled_time  TIMESTAMPTZ  NOT NULL,          -- the slot, identical on every node
    node_id         VARCHAR(200) NOT NULL,          -- who claimed it
    claimed_at      TIMESTAMPTZ  NOT NULL DEFAULT now(),

    PRIMARY KEY (schedule_name, scheduled_time),
    CONSTRAINT valid_fire_schedule_name CHECK (btrim(schedule_name) <> ''),
    CONSTRAINT valid_fire_node_id CHECK (btrim(node_id) <> '')
);
