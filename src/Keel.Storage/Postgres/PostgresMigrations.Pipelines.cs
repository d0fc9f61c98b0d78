using Keel.Storage.Migrations;

namespace Keel.Storage.Postgres;

internal static partial class PostgresMigrations
{
    private static Migration Pipelines => new(6, "pipelines", """
        -- Registered pipelines and their runs. Compare-and-set columns (next_run_at, stage status, latest_attempt) live
        -- on the row they guard, so each Try… method is one conditional UPDATE that PostgreSQL re-checks under the row lock.
        CREATE TABLE pipelines (
            name TEXT COLLATE "C" NOT NULL PRIMARY KEY,
            pipeline_yaml TEXT NOT NULL,
            params_yaml TEXT,
            workspace_manifest TEXT,
            schedule TEXT,
            triggers_json TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL,
            next_run_at BIGINT
        );
        -- run_pk orders runs created in the same millisecond.
        CREATE TABLE pipeline_runs (
            run_pk BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            id TEXT COLLATE "C" NOT NULL UNIQUE,
            pipeline TEXT COLLATE "C" NOT NULL REFERENCES pipelines (name) ON DELETE CASCADE,
            trigger TEXT NOT NULL,
            trigger_detail TEXT NOT NULL,
            param_overrides_json TEXT NOT NULL,
            status TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            started_at BIGINT,
            ended_at BIGINT,
            tracking_run_id TEXT
        );
        CREATE INDEX pipeline_runs_by_pipeline ON pipeline_runs (pipeline, created_at);
        CREATE INDEX pipeline_runs_by_time ON pipeline_runs (created_at);
        CREATE TABLE stage_runs (
            run_id TEXT COLLATE "C" NOT NULL REFERENCES pipeline_runs (id) ON DELETE CASCADE,
            stage TEXT COLLATE "C" NOT NULL,
            position INTEGER NOT NULL,
            status TEXT NOT NULL,
            latest_attempt INTEGER NOT NULL,
            outs_json TEXT NOT NULL,
            message TEXT NOT NULL,
            tracking_run_id TEXT,
            PRIMARY KEY (run_id, stage)
        );
        CREATE TABLE stage_attempts (
            run_id TEXT COLLATE "C" NOT NULL,
            stage TEXT COLLATE "C" NOT NULL,
            number INTEGER NOT NULL,
            worker TEXT NOT NULL,
            started_at BIGINT NOT NULL,
            ended_at BIGINT,
            exit_code INTEGER,
            log_path TEXT,
            PRIMARY KEY (run_id, stage, number),
            FOREIGN KEY (run_id, stage) REFERENCES stage_runs (run_id, stage) ON DELETE CASCADE
        );
        CREATE TABLE pipeline_run_cache (
            input_key TEXT COLLATE "C" NOT NULL PRIMARY KEY,
            outs_json TEXT NOT NULL,
            created_at BIGINT NOT NULL
        );
        """);
}
