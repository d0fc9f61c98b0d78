using Keel.Storage.Migrations;

namespace Keel.Storage.Postgres;

internal static partial class PostgresMigrations
{
    private static Migration Monitors => new(5, "monitors", """
        -- Specs, results and alert events are JSON texts (MonitorResultJson); only what range queries and the
        -- scheduler's claim need is a column. Results and events go with their monitor (ON DELETE CASCADE).
        CREATE TABLE monitors (
            name TEXT COLLATE "C" NOT NULL PRIMARY KEY,
            deployment TEXT COLLATE "C" NOT NULL,
            spec_json TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL,
            next_run_at BIGINT
        );
        CREATE INDEX monitors_by_deployment ON monitors (deployment, name);
        -- id (an identity) orders results of one run time by insertion, so 'latest' is well defined.
        CREATE TABLE monitor_results (
            monitor TEXT COLLATE "C" NOT NULL REFERENCES monitors (name) ON DELETE CASCADE,
            run_at BIGINT NOT NULL,
            id BIGINT GENERATED ALWAYS AS IDENTITY,
            deployment TEXT COLLATE "C" NOT NULL,
            result_json TEXT NOT NULL,
            PRIMARY KEY (monitor, run_at, id)
        );
        CREATE INDEX monitor_results_by_deployment ON monitor_results (deployment, run_at);
        CREATE INDEX monitor_results_by_time ON monitor_results (run_at);
        CREATE TABLE alert_events (
            id TEXT COLLATE "C" NOT NULL PRIMARY KEY,
            monitor TEXT COLLATE "C" NOT NULL REFERENCES monitors (name) ON DELETE CASCADE,
            deployment TEXT COLLATE "C" NOT NULL,
            fired_at BIGINT NOT NULL,
            event_json TEXT NOT NULL
        );
        CREATE INDEX alert_events_by_monitor ON alert_events (monitor, fired_at);
        CREATE INDEX alert_events_by_deployment ON alert_events (deployment, fired_at);
        CREATE INDEX alert_events_by_time ON alert_events (fired_at);
        """);
}
