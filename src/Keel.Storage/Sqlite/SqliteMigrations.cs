using Keel.Storage.Migrations;

namespace Keel.Storage.Sqlite;

/// <summary>The SQLite schema, as versioned steps applied on start by <see cref="SqliteDatabase"/>.</summary>
internal static class SqliteMigrations
{
    public static IReadOnlyList<Migration> All { get; } =
    [
        new(1, "tracking", """
            CREATE TABLE experiments (
                experiment_id INTEGER PRIMARY KEY AUTOINCREMENT,
                name TEXT NOT NULL UNIQUE,
                artifact_location TEXT NOT NULL,
                lifecycle_stage TEXT NOT NULL,
                creation_time INTEGER NOT NULL,
                last_update_time INTEGER NOT NULL
            );
            CREATE TABLE experiment_tags (
                experiment_id INTEGER NOT NULL REFERENCES experiments(experiment_id),
                key TEXT NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (experiment_id, key)
            ) WITHOUT ROWID;
            CREATE TABLE runs (
                run_pk INTEGER PRIMARY KEY,
                run_id TEXT NOT NULL UNIQUE,
                experiment_id INTEGER NOT NULL REFERENCES experiments(experiment_id),
                name TEXT NOT NULL,
                user_id TEXT NOT NULL,
                status TEXT NOT NULL,
                start_time INTEGER NOT NULL,
                end_time INTEGER,
                artifact_uri TEXT NOT NULL,
                lifecycle_stage TEXT NOT NULL,
                deleted_time INTEGER
            );
            CREATE INDEX runs_by_experiment ON runs (experiment_id, lifecycle_stage, start_time);
            CREATE TABLE params (
                run_pk INTEGER NOT NULL,
                key TEXT NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (run_pk, key)
            ) WITHOUT ROWID;
            CREATE TABLE tags (
                run_pk INTEGER NOT NULL,
                key TEXT NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (run_pk, key)
            ) WITHOUT ROWID;
            CREATE TABLE metric_keys (
                key_id INTEGER PRIMARY KEY,
                key TEXT NOT NULL UNIQUE
            );
            -- One clustered b-tree per point, keyed for get-history; identical points collapse as in MLflow,
            -- so a retried log-batch does not duplicate anything. NaN is stored as is_nan=1, value=0.
            CREATE TABLE metrics (
                run_pk INTEGER NOT NULL,
                key_id INTEGER NOT NULL,
                step INTEGER NOT NULL,
                timestamp INTEGER NOT NULL,
                is_nan INTEGER NOT NULL,
                value REAL NOT NULL,
                PRIMARY KEY (run_pk, key_id, step, timestamp, is_nan, value)
            ) WITHOUT ROWID;
            -- Latest value per (run, key) for search and sort; value NULL means NaN.
            CREATE TABLE latest_metrics (
                run_pk INTEGER NOT NULL,
                key_id INTEGER NOT NULL,
                value REAL,
                timestamp INTEGER NOT NULL,
                step INTEGER NOT NULL,
                PRIMARY KEY (run_pk, key_id)
            ) WITHOUT ROWID;
            CREATE INDEX latest_metrics_by_key ON latest_metrics (key_id, value);
            CREATE TABLE datasets (
                dataset_pk INTEGER PRIMARY KEY,
                experiment_id INTEGER NOT NULL,
                name TEXT NOT NULL,
                digest TEXT NOT NULL,
                source_type TEXT NOT NULL,
                source TEXT NOT NULL,
                schema TEXT,
                profile TEXT,
                UNIQUE (experiment_id, name, digest)
            );
            CREATE TABLE inputs (
                run_pk INTEGER NOT NULL,
                dataset_pk INTEGER NOT NULL,
                PRIMARY KEY (run_pk, dataset_pk)
            ) WITHOUT ROWID;
            CREATE TABLE input_tags (
                run_pk INTEGER NOT NULL,
                dataset_pk INTEGER NOT NULL,
                key TEXT NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (run_pk, dataset_pk, key)
            ) WITHOUT ROWID;
            """),
        new(2, "registry", """
            -- Versions hang off model_pk, so a rename touches one row; next_version keeps numbers from being reused.
            CREATE TABLE registered_models (
                model_pk INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                creation_timestamp INTEGER NOT NULL,
                last_updated_timestamp INTEGER NOT NULL,
                description TEXT NOT NULL,
                next_version INTEGER NOT NULL
            );
            CREATE TABLE registered_model_tags (
                model_pk INTEGER NOT NULL,
                key TEXT NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (model_pk, key)
            ) WITHOUT ROWID;
            CREATE TABLE model_versions (
                model_pk INTEGER NOT NULL,
                version INTEGER NOT NULL,
                creation_timestamp INTEGER NOT NULL,
                last_updated_timestamp INTEGER NOT NULL,
                user_id TEXT NOT NULL,
                current_stage TEXT NOT NULL,
                description TEXT NOT NULL,
                source TEXT NOT NULL,
                run_id TEXT NOT NULL,
                status TEXT NOT NULL,
                status_message TEXT NOT NULL,
                run_link TEXT NOT NULL,
                PRIMARY KEY (model_pk, version)
            ) WITHOUT ROWID;
            CREATE INDEX model_versions_by_run ON model_versions (run_id);
            CREATE TABLE model_version_tags (
                model_pk INTEGER NOT NULL,
                version INTEGER NOT NULL,
                key TEXT NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (model_pk, version, key)
            ) WITHOUT ROWID;
            CREATE TABLE registered_model_aliases (
                model_pk INTEGER NOT NULL,
                alias TEXT NOT NULL,
                version INTEGER NOT NULL,
                PRIMARY KEY (model_pk, alias)
            ) WITHOUT ROWID;
            """),
        new(3, "deployments", """
            -- A deployment row points at its current revision; revisions are appended, never updated, so the
            -- history is the table itself and a rollback is one more row.
            CREATE TABLE deployments (
                deployment_pk INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                creation_timestamp INTEGER NOT NULL,
                last_updated_timestamp INTEGER NOT NULL,
                current_revision INTEGER NOT NULL
            );
            CREATE TABLE deployment_revisions (
                deployment_pk INTEGER NOT NULL,
                revision INTEGER NOT NULL,
                creation_timestamp INTEGER NOT NULL,
                spec TEXT NOT NULL,
                PRIMARY KEY (deployment_pk, revision)
            ) WITHOUT ROWID;
            """),
        new(4, "datasets", """
            -- The dataset registry. The name 'datasets' is taken by MLflow's run inputs (migration 1); these are
            -- Keel's named datasets. next_version keeps version numbers from being reused, as for models.
            CREATE TABLE registered_datasets (
                dataset_pk INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                description TEXT NOT NULL,
                creation_timestamp INTEGER NOT NULL,
                last_updated_timestamp INTEGER NOT NULL,
                next_version INTEGER NOT NULL
            );
            CREATE TABLE registered_dataset_tags (
                dataset_pk INTEGER NOT NULL,
                key TEXT NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (dataset_pk, key)
            ) WITHOUT ROWID;
            -- A rowid table: profiles can be large, which WITHOUT ROWID tables store badly.
            CREATE TABLE dataset_versions (
                dataset_version_pk INTEGER PRIMARY KEY,
                dataset_pk INTEGER NOT NULL,
                version INTEGER NOT NULL,
                manifest_hash TEXT NOT NULL,
                size INTEGER NOT NULL,
                file_count INTEGER NOT NULL,
                kind TEXT NOT NULL,
                description TEXT NOT NULL,
                run_id TEXT,
                source TEXT,
                row_count INTEGER,
                schema TEXT,
                profile TEXT,
                creation_timestamp INTEGER NOT NULL,
                last_updated_timestamp INTEGER NOT NULL,
                UNIQUE (dataset_pk, version)
            );
            CREATE INDEX dataset_versions_by_manifest ON dataset_versions (manifest_hash);
            CREATE TABLE dataset_version_tags (
                dataset_version_pk INTEGER NOT NULL,
                key TEXT NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (dataset_version_pk, key)
            ) WITHOUT ROWID;
            """),
        new(5, "monitors", """
            -- Specs, results and alert events are JSON texts (MonitorResultJson); only what range queries and the
            -- scheduler's claim need is a column. Results and events go with their monitor (deleted together).
            CREATE TABLE monitors (
                name TEXT NOT NULL PRIMARY KEY,
                deployment TEXT NOT NULL,
                spec_json TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL,
                next_run_at INTEGER
            );
            CREATE INDEX monitors_by_deployment ON monitors (deployment, name);
            -- id orders results of one run time by insertion, so 'latest' is well defined.
            CREATE TABLE monitor_results (
                monitor TEXT NOT NULL,
                run_at INTEGER NOT NULL,
                id INTEGER NOT NULL,
                deployment TEXT NOT NULL,
                result_json TEXT NOT NULL,
                PRIMARY KEY (monitor, run_at, id)
            );
            CREATE INDEX monitor_results_by_deployment ON monitor_results (deployment, run_at);
            CREATE INDEX monitor_results_by_time ON monitor_results (run_at);
            CREATE TABLE alert_events (
                id TEXT NOT NULL PRIMARY KEY,
                monitor TEXT NOT NULL,
                deployment TEXT NOT NULL,
                fired_at INTEGER NOT NULL,
                event_json TEXT NOT NULL
            );
            CREATE INDEX alert_events_by_monitor ON alert_events (monitor, fired_at);
            CREATE INDEX alert_events_by_deployment ON alert_events (deployment, fired_at);
            CREATE INDEX alert_events_by_time ON alert_events (fired_at);
            """),
        new(6, "pipelines", """
            -- Registered pipelines and their runs. Compare-and-set columns (next_run_at, stage status, latest_attempt)
            -- live on the row they guard, so each Try… method is one conditional UPDATE.
            CREATE TABLE pipelines (
                name TEXT NOT NULL PRIMARY KEY,
                pipeline_yaml TEXT NOT NULL,
                params_yaml TEXT,
                workspace_manifest TEXT,
                schedule TEXT,
                triggers_json TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL,
                next_run_at INTEGER
            );
            -- run_pk orders runs created in the same millisecond.
            CREATE TABLE pipeline_runs (
                run_pk INTEGER PRIMARY KEY,
                id TEXT NOT NULL UNIQUE,
                pipeline TEXT NOT NULL,
                trigger TEXT NOT NULL,
                trigger_detail TEXT NOT NULL,
                param_overrides_json TEXT NOT NULL,
                status TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                started_at INTEGER,
                ended_at INTEGER,
                tracking_run_id TEXT
            );
            CREATE INDEX pipeline_runs_by_pipeline ON pipeline_runs (pipeline, created_at);
            CREATE INDEX pipeline_runs_by_time ON pipeline_runs (created_at);
            CREATE TABLE stage_runs (
                run_id TEXT NOT NULL,
                stage TEXT NOT NULL,
                position INTEGER NOT NULL,
                status TEXT NOT NULL,
                latest_attempt INTEGER NOT NULL,
                outs_json TEXT NOT NULL,
                message TEXT NOT NULL,
                tracking_run_id TEXT,
                PRIMARY KEY (run_id, stage)
            ) WITHOUT ROWID;
            CREATE TABLE stage_attempts (
                run_id TEXT NOT NULL,
                stage TEXT NOT NULL,
                number INTEGER NOT NULL,
                worker TEXT NOT NULL,
                started_at INTEGER NOT NULL,
                ended_at INTEGER,
                exit_code INTEGER,
                log_path TEXT,
                PRIMARY KEY (run_id, stage, number)
            ) WITHOUT ROWID;
            CREATE TABLE pipeline_run_cache (
                input_key TEXT NOT NULL PRIMARY KEY,
                outs_json TEXT NOT NULL,
                created_at INTEGER NOT NULL
            );
            """),
        new(7, "governance", """
            -- Every alias move with who, when and why; rollback reads it. id orders moves of the same millisecond.
            -- Rows go with their model and version through triggers: the registry tables here declare no foreign keys.
            CREATE TABLE model_alias_moves (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                model_pk INTEGER NOT NULL,
                alias TEXT NOT NULL,
                previous_version INTEGER,
                new_version INTEGER,
                user_id TEXT NOT NULL,
                reason TEXT NOT NULL,
                kind TEXT NOT NULL,
                moved_at INTEGER NOT NULL
            );
            CREATE INDEX model_alias_moves_by_model ON model_alias_moves (model_pk, alias, id);
            CREATE TABLE model_version_approvals (
                model_pk INTEGER NOT NULL,
                version INTEGER NOT NULL,
                alias TEXT NOT NULL,
                user_id TEXT NOT NULL,
                comment TEXT NOT NULL,
                approved_at INTEGER NOT NULL,
                PRIMARY KEY (model_pk, version, alias, user_id)
            ) WITHOUT ROWID;
            CREATE TRIGGER registered_models_governance_delete AFTER DELETE ON registered_models BEGIN
                DELETE FROM model_alias_moves WHERE model_pk = OLD.model_pk;
                DELETE FROM model_version_approvals WHERE model_pk = OLD.model_pk;
            END;
            CREATE TRIGGER model_versions_approvals_delete AFTER DELETE ON model_versions BEGIN
                DELETE FROM model_version_approvals WHERE model_pk = OLD.model_pk AND version = OLD.version;
            END;
            """),
        new(8, "key ring", """
            -- The web UI's data protection keys (see IKeyRingStore), so they survive restarts.
            CREATE TABLE key_ring (
                name TEXT PRIMARY KEY,
                xml TEXT NOT NULL,
                created_at INTEGER NOT NULL
            ) WITHOUT ROWID;
            """),
        new(9, "pipeline run definitions", """
            -- What each run executes (keel.yaml, params.yaml, folder snapshot), fixed when the run is created.
            ALTER TABLE pipeline_runs ADD COLUMN definition_json TEXT;
            """),
    ];
}
