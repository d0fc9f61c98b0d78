using System.Collections.Concurrent;
using System.Globalization;
using Keel.Core.Datasets;
using Keel.Core.Deployments;
using Keel.Core.Registry;
using Keel.Core.Tracking;
using Npgsql;

namespace Keel.Storage.Postgres;

/// <summary>
/// <see cref="ITrackingStore"/> on a PostgreSQL database that several Keel replicas may share. The partial files
/// split it by concern: experiments, runs, logging, search.
/// </summary>
internal sealed partial class PostgresTrackingStore(PostgresDatabase database) : ITrackingStore, IAsyncDisposable
{
    // Metric key ids never change once committed, so a process-wide cache is right even across replicas.
    private readonly ConcurrentDictionary<string, long> _metricKeyIds = new(StringComparer.Ordinal);

    public static async Task<PostgresTrackingStore> OpenAsync(string connectionString, PostgresSettings settings, TimeProvider time, CancellationToken ct)
    {
        var database = await PostgresDatabase.OpenAsync(connectionString, settings, ct);
        var store = new PostgresTrackingStore(database);
        try
        {
            await store.EnsureDefaultExperimentAsync(time.GetUtcNow().ToUnixTimeMilliseconds(), ct);
            return store;
        }
        catch
        {
            await store.DisposeAsync();
            throw;
        }
    }

    // ON CONFLICT DO NOTHING: replicas starting together both try, one wins.
    private Task<int> EnsureDefaultExperimentAsync(long now, CancellationToken ct) =>
        database.WriteAsync((c, t) => c.ExecAsync(t, """
            INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
            VALUES (0, 'Default', $1, 'active', $2, $2) ON CONFLICT DO NOTHING;
            """, ct, TrackingService.DefaultArtifactRoot + "0", now), ct);

    /// <summary>The other stores on the same data source, so one owner disposes the pool.</summary>
    internal IRegistryStore CreateRegistryStore() => new PostgresRegistryStore(database);

    internal IDeploymentStore CreateDeploymentStore() => new PostgresDeploymentStore(database);

    internal IDatasetStore CreateDatasetStore() => new PostgresDatasetStore(database);

    private static bool IsUniqueViolation(PostgresException e) => e.SqlState == PostgresErrorCodes.UniqueViolation;

    private static long? ParseId(string id) =>
        long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static T? First<T>(IReadOnlyList<T> items)
        where T : class => items.Count > 0 ? items[0] : null;

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    public ValueTask DisposeAsync() => database.DisposeAsync();
}
