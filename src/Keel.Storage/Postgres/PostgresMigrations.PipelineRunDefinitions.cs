using Keel.Storage.Migrations;

namespace Keel.Storage.Postgres;

internal static partial class PostgresMigrations
{
    // What each run executes (keel.yaml, params.yaml, folder snapshot), fixed when the run is created.
    private static Migration PipelineRunDefinitions => new(9, "pipeline run definitions", """
        ALTER TABLE pipeline_runs ADD COLUMN definition_json TEXT;
        """);
}
