using System.Collections.Concurrent;
using System.Globalization;
using Keel.Core.Tracking;

namespace Keel.Storage.Sqlite;

/// <summary>
/// <see cref="ITrackingStore"/> on one SQLite file. The partial files split it by concern:
/// experiments, runs, logging, search.
/// </summary>
internal sealed partial class SqliteTrackingStore(SqliteDatabase database) : ITrackingStore, IAsyncDisposable
{
    // Metric key ids never change once committed, so a process-wide cache is always right.
    private readonly ConcurrentDictionary<string, long> _metricKeyIds = new(StringComparer.Ordinal);

    public static async Task<SqliteTrackingStore> OpenAsync(string path, TimeProvider time, CancellationToken ct)
    {
        var database = await SqliteDatabase.OpenAsync(path, ct);
        var store = new SqliteTrackingStore(database);
        await store.EnsureDefaultExperimentAsync(time.GetUtcNow().ToUnixTimeMilliseconds(), ct);
        return store;
    }

    private Task<int> EnsureDefaultExperimentAsync(long now, CancellationToken ct) =>
        database.WriteAsync((c, t) => c.ExecAsync(t, """
            INSERT OR IGNORE INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
            VALUES (0, 'Default', $p0, 'active', $p1, $p1);
            """, ct, TrackingService.DefaultArtifactRoot + "0", now), ct);

    /// <summary>The registry on the same file and writer, so both stores share one connection owner.</summary>
    public SqliteRegistryStore CreateRegistryStore() => new(database);

    private static long? ParseId(string id) =>
        long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static T? First<T>(IReadOnlyList<T> items)
        where T : class => items.Count > 0 ? items[0] : null;

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    public ValueTask DisposeAsync() => database.DisposeAsync();
}
