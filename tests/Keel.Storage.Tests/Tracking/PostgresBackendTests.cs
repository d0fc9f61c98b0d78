using Keel.Core.Common;
using Keel.Core.Tracking;
using Keel.Testing;

namespace Keel.Storage.Tests.Tracking;

/// <summary>What only the PostgreSQL backend has: MLflow's URI spellings, replicas sharing one database, schema versions.</summary>
public sealed class PostgresBackendTests : IAsyncLifetime
{
    private readonly PostgresStoresHarness _backend = new("keel-postgres-backend");

    public async ValueTask InitializeAsync() => await _backend.OpenAsync();

    public ValueTask DisposeAsync() => _backend.DisposeAsync();

    [Fact]
    public async Task Open_DriverSpellingWithLibpqOptions_ConnectsWithThoseOptions()
    {
        var uri = _backend.BackendStoreUri.Replace("postgresql://", "postgresql+psycopg2://", StringComparison.Ordinal)
            + "?application_name=keel-uri-test&connect_timeout=5";

        await using var stores = await KeelStorage.OpenAsync(new StorageOptions(_backend.DataDirectory, uri), TimeProvider.System);
        await stores.Tracking.GetExperimentAsync("0");

        // The pool keeps the connection open, so the server still lists it under the name the URI gave.
        Assert.NotEqual(0L, await _backend.QueryDatabaseAsync(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'keel-uri-test'"));
    }

    [Theory]
    [InlineData("postgresql://u:secret@h:notaport/d")]
    [InlineData("postgresql://u:secret@h/d?no_such_option=1")]
    [InlineData("postgresql://u:secret@/d")]
    public async Task Open_BadPostgresUri_ThrowsInvalidParameterWithoutPassword(string uri)
    {
        var error = await Assert.ThrowsAsync<KeelException>(
            () => KeelStorage.OpenAsync(new StorageOptions(_backend.DataDirectory, uri), TimeProvider.System));

        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_NoServerListening_ThrowsInvalidStateNamingTheServer()
    {
        var error = await Assert.ThrowsAsync<KeelException>(() => KeelStorage.OpenAsync(
            new StorageOptions(_backend.DataDirectory, "postgresql://keel:secret@127.0.0.1:1/keel?connect_timeout=2"), TimeProvider.System));

        Assert.Equal(ErrorCode.InvalidState, error.Code);
        Assert.Contains("127.0.0.1:1/keel", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_TwoReplicasAtOnce_MigrateOnceAndShareData()
    {
        var options = new StorageOptions(_backend.DataDirectory, _backend.BackendStoreUri);

        var opened = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => KeelStorage.OpenAsync(options, TimeProvider.System)));
        try
        {
            var id = await opened[0].Tracking.CreateExperimentAsync(new NewExperiment("shared", null, [], 1), "mlflow-artifacts:/");
            Assert.Equal("shared", (await opened[3].Tracking.GetExperimentAsync(id))?.Name);
        }
        finally
        {
            foreach (var stores in opened)
            {
                await stores.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task LogBatch_ConcurrentWritersOnOneRun_KeepEveryPointAndTheLatest()
    {
        var store = (await _backend.ReopenAsync()).Tracking;
        var runId = Guid.NewGuid().ToString("N");
        await store.CreateRunAsync(new NewRun(runId, "0", "tester", "busy", 1, "mlflow-artifacts:/0/x", []));

        await Task.WhenAll(Enumerable.Range(0, 8).Select(writer => store.LogBatchAsync(runId,
            Enumerable.Range(0, 100).Select(i => new Metric($"m{i % 5}", writer * 1000 + i, i, writer * 1000 + i)).ToArray(),
            [new Param("shared", "same")], [new Tag("writer", "any")])));

        var run = await store.GetRunAsync(runId);
        var history = await store.GetMetricHistoryAsync(runId, "m0", int.MaxValue, 0);
        Assert.Equal(5, run!.LatestMetrics.Count);
        Assert.All(run.LatestMetrics, m => Assert.True(m.Step >= 7000));
        Assert.Equal(8 * 20, history.Items.Count);
    }

    [Fact]
    public async Task Open_DatabaseFromNewerKeel_IsRefused()
    {
        await _backend.QueryDatabaseAsync("INSERT INTO schema_migrations (version, name) VALUES (999, 'from the future')");

        var error = await Assert.ThrowsAsync<KeelException>(() => _backend.ReopenAsync());

        Assert.Contains("999", error.Message, StringComparison.Ordinal);
        Assert.Contains("upgrade Keel", error.Message, StringComparison.Ordinal);
    }
}
