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
    ];
}
