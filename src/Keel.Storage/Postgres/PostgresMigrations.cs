using Keel.Storage.Migrations;

namespace Keel.Storage.Postgres;

/// <summary>
/// The PostgreSQL schema, as versioned steps applied on start by <see cref="PostgresDatabase"/>; one file per area
/// keeps each area's tables beside its store. Numbers match the SQLite migrations of the same area.
/// </summary>
internal static partial class PostgresMigrations
{
    public static IReadOnlyList<Migration> All => [Tracking, Registry, Deployments, Datasets, Monitors, Pipelines, Governance, KeyRing, PipelineRunDefinitions];
}
