using Scheduler.Backfills;

namespace Scheduler.Database;

/// <summary>
/// Every table the service owns, as numbered scripts applied in order, each once (Hangfire creates its own schema).
/// A script is never edited once released: a change is a new script. <c>{schema}</c> is the configured schema.
/// </summary>
internal static class SchedulerMigrations
{
    public static IReadOnlyList<string> For(string schema) =>
    [
        // 1: the run ledger. One active run per mart is the partial unique index, not application code.
        $"""
        CREATE TABLE {schema}.runs (
            run_id uuid PRIMARY KEY,
            mart text NOT NULL,
            trigger text NOT NULL,
            trigger_key text,
            status text NOT NULL,
            statement_name text NOT NULL,
            client_token text NOT NULL,
            statement_id text,
            sql_statements text[],
            sub_statements jsonb,
            created_at timestamptz NOT NULL,
            deadline_at timestamptz NOT NULL,
            submit_attempted_at timestamptz,
            submit_attempts integer NOT NULL DEFAULT 0,
            submitted_at timestamptz,
            statement_finished_at timestamptz,
            completed_at timestamptz,
            error text,
            failed_statement_index integer,
            active_run_id uuid,
            cancel_reason text,
            cancel_requested_at timestamptz,
            poll_attempt integer NOT NULL DEFAULT 0,
            poll_count integer NOT NULL DEFAULT 0,
            next_poll_at timestamptz,
            updated_at timestamptz NOT NULL,
            CONSTRAINT runs_status_check CHECK (status IN
                ('Submitting', 'Running', 'Cancelling', 'Succeeded', 'Failed', 'Cancelled', 'TimedOut', 'Lost', 'Skipped')),
            CONSTRAINT runs_trigger_check CHECK (trigger IN ('Cron', 'Manual'))
        );
        CREATE UNIQUE INDEX runs_one_active_per_mart ON {schema}.runs (mart) WHERE status IN ('Submitting', 'Running', 'Cancelling');
        CREATE UNIQUE INDEX runs_trigger_key ON {schema}.runs (trigger_key);
        CREATE INDEX runs_created ON {schema}.runs (created_at DESC, run_id DESC);
        CREATE INDEX runs_mart_created ON {schema}.runs (mart, created_at DESC, run_id DESC);
        CREATE INDEX runs_active_next ON {schema}.runs (coalesce(next_poll_at, updated_at)) WHERE status IN ('Submitting', 'Running', 'Cancelling');
        """,

        // 2: the run state machine. Every write compares and bumps `version`; the target is kept with the run so a
        // resubmission or lookup asks the workgroup the run was sent to, not today's configuration; the submit lease
        // keeps recovery away from a submit call still in flight; `status_reason` explains an active state (a cancel
        // not yet confirmed). The call budget moves here from its own schema (its rows live one minute).
        $"""
        ALTER TABLE {schema}.runs
            ADD COLUMN version integer NOT NULL DEFAULT 0,
            ADD COLUMN status_reason text,
            ADD COLUMN unconfirmed_at timestamptz,
            ADD COLUMN submit_lease_until timestamptz,
            ADD COLUMN target_workgroup text,
            ADD COLUMN target_cluster text,
            ADD COLUMN target_database text,
            ADD COLUMN target_db_user text,
            ADD COLUMN target_secret_arn text;
        CREATE INDEX runs_terminal_completed ON {schema}.runs (completed_at)
            WHERE status NOT IN ('Submitting', 'Running', 'Cancelling');
        CREATE TABLE IF NOT EXISTS {schema}.call_budget (
            operation text NOT NULL,
            epoch_second bigint NOT NULL,
            granted integer NOT NULL,
            last_claim integer NOT NULL,
            PRIMARY KEY (operation, epoch_second)
        );
        DROP SCHEMA IF EXISTS scheduler_watch CASCADE;
        """,

        // 3: pauses. One row per paused mart, and the row '*' while everything is paused; resume deletes the row.
        $"""
        CREATE TABLE IF NOT EXISTS {schema}.mart_pauses (
            mart text PRIMARY KEY,
            paused_at timestamptz NOT NULL,
            paused_by text
        );
        """,

        // 4: run dates. Every run is for a logical date with its data interval and bound parameters; retries, backfills
        // and upstream triggers are named. The one-active-run-per-mart index becomes one active run per mart and logical
        // date; how many dates run at once (Marts:<name>:MaxActiveRuns) is counted under an advisory lock at reservation.
        $"""
        ALTER TABLE {schema}.runs
            ADD COLUMN logical_date timestamptz,
            ADD COLUMN interval_start timestamptz,
            ADD COLUMN interval_end timestamptz,
            ADD COLUMN parameters jsonb,
            ADD COLUMN attempt integer NOT NULL DEFAULT 1,
            ADD COLUMN retry_of uuid,
            ADD COLUMN backfill_id uuid,
            ADD COLUMN upstream_run_ids uuid[],
            ADD COLUMN downstream boolean NOT NULL DEFAULT false,
            ADD COLUMN retry_at timestamptz;
        UPDATE {schema}.runs SET logical_date = created_at WHERE logical_date IS NULL;
        ALTER TABLE {schema}.runs ALTER COLUMN logical_date SET NOT NULL;
        ALTER TABLE {schema}.runs DROP CONSTRAINT runs_trigger_check;
        ALTER TABLE {schema}.runs ADD CONSTRAINT runs_trigger_check
            CHECK (trigger IN ('Cron', 'Manual', 'CatchUp', 'Backfill', 'Retry', 'Upstream'));
        DROP INDEX {schema}.runs_one_active_per_mart;
        CREATE UNIQUE INDEX runs_one_active_per_mart_date ON {schema}.runs (mart, logical_date)
            WHERE status IN ('Submitting', 'Running', 'Cancelling');
        CREATE INDEX runs_mart_logical_date ON {schema}.runs (mart, logical_date, created_at DESC);
        CREATE INDEX runs_retry_of ON {schema}.runs (retry_of) WHERE retry_of IS NOT NULL;
        CREATE INDEX runs_backfill ON {schema}.runs (backfill_id) WHERE backfill_id IS NOT NULL;
        """,

        // 5: per-target concurrency. A run waits for a slot of its workgroup or cluster as Queued (active: it still holds
        // its place among the mart's active runs); `slot_key` names the target whose slot it waits for or holds (held
        // while Submitting, Running or Cancelling; given back when it ends).
        $"""
        ALTER TABLE {schema}.runs ADD COLUMN slot_key text;
        ALTER TABLE {schema}.runs DROP CONSTRAINT runs_status_check;
        ALTER TABLE {schema}.runs ADD CONSTRAINT runs_status_check CHECK (status IN
            ('Queued', 'Submitting', 'Running', 'Cancelling', 'Succeeded', 'Failed', 'Cancelled', 'TimedOut', 'Lost', 'Skipped'));
        DROP INDEX {schema}.runs_one_active_per_mart_date;
        CREATE UNIQUE INDEX runs_one_active_per_mart_date ON {schema}.runs (mart, logical_date)
            WHERE status IN ('Queued', 'Submitting', 'Running', 'Cancelling');
        CREATE INDEX runs_slot ON {schema}.runs (slot_key, status, created_at)
            WHERE slot_key IS NOT NULL AND status IN ('Queued', 'Submitting', 'Running', 'Cancelling');
        CREATE INDEX runs_queued_deadline ON {schema}.runs (deadline_at) WHERE status = 'Queued';
        """,

        // 6: dependencies. `propagated_at` is set once an ended run's dependants were handled (started, skipped, or not
        // due): the dependency sweep re-drives ended runs with `downstream` and no `propagated_at`, so a crash between a
        // run's end and its dependants' reservation loses nothing (their trigger keys make a second pass a no-op). Runs
        // that ended before this migration count as handled. The GIN index finds a run's downstream runs.
        $"""
        ALTER TABLE {schema}.runs ADD COLUMN propagated_at timestamptz;
        UPDATE {schema}.runs SET propagated_at = coalesce(completed_at, updated_at)
         WHERE status NOT IN ('Queued', 'Submitting', 'Running', 'Cancelling');
        CREATE INDEX runs_unpropagated ON {schema}.runs (completed_at) WHERE downstream AND propagated_at IS NULL;
        CREATE INDEX runs_upstream_run_ids ON {schema}.runs USING gin (upstream_run_ids);
        """,

        // 7: retries. Recovery looks for ended runs whose retry is due and not yet reserved; only retried runs have retry_at.
        $"""
        CREATE INDEX runs_retry_due ON {schema}.runs (retry_at) WHERE retry_at IS NOT NULL;
        """,

        // 8: backfills. A backfill (or a catch-up after downtime, kind 'catchup') plans its logical dates once; the driver
        // moves each date Pending → Started (its run) → Finished, at most max_concurrent at a time. The catch-up
        // watermark says up to when a mart's cron slots were looked at, so a slot is caught up once.
        $"""
        CREATE TABLE IF NOT EXISTS {schema}.backfills (
            backfill_id uuid PRIMARY KEY,
            kind text NOT NULL CHECK (kind IN ('backfill', 'catchup')),
            mart text NOT NULL,
            from_date timestamptz NOT NULL,
            to_date timestamptz NOT NULL,
            max_concurrent integer NOT NULL,
            rerun text NOT NULL,
            downstream boolean NOT NULL,
            parameters jsonb,
            status text NOT NULL CHECK (status IN ('Running', 'Completed', 'Cancelled')),
            created_at timestamptz NOT NULL,
            created_by text,
            cancelled_at timestamptz,
            cancelled_by text,
            completed_at timestamptz
        );
        CREATE INDEX IF NOT EXISTS backfills_mart_created ON {schema}.backfills (mart, created_at DESC);
        CREATE INDEX IF NOT EXISTS backfills_running ON {schema}.backfills (mart) WHERE status = 'Running';
        CREATE TABLE IF NOT EXISTS {schema}.backfill_dates (
            backfill_id uuid NOT NULL REFERENCES {schema}.backfills (backfill_id) ON DELETE CASCADE,
            logical_date timestamptz NOT NULL,
            state text NOT NULL CHECK (state IN ('Pending', 'Started', 'Finished', 'Excluded', 'Cancelled')),
            run_id uuid,
            note text,
            PRIMARY KEY (backfill_id, logical_date)
        );
        CREATE TABLE IF NOT EXISTS {schema}.catchup_watermarks (
            mart text PRIMARY KEY,
            watermark timestamptz NOT NULL,
            updated_at timestamptz NOT NULL
        );
        """,
        // 9: the audit log: one row per state-changing request or command, accepted or refused, kept for
        // Audit:Retention. A pause keeps its reason.
        $"""
        CREATE TABLE IF NOT EXISTS {schema}.audit_log (
            audit_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            at timestamptz NOT NULL,
            user_name text NOT NULL,
            role text NOT NULL,
            action text NOT NULL,
            target text,
            mart text,
            parameters jsonb,
            remote_address text,
            outcome text NOT NULL CHECK (outcome IN ('accepted', 'refused')),
            status integer NOT NULL
        );
        CREATE INDEX IF NOT EXISTS audit_log_at ON {schema}.audit_log (at DESC, audit_id DESC);
        ALTER TABLE {schema}.mart_pauses ADD COLUMN IF NOT EXISTS reason text;
        """,
    ];
}
