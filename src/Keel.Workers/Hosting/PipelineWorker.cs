using Keel.Core.Pipelines;
using Keel.Storage;
using Keel.Storage.Postgres;
using Keel.Workers.Quartz;
using Keel.Workers.Stages;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Workers.Hosting;

/// <summary>
/// A started node of the worker cluster: claims stage jobs from Quartz's tables in Keel's PostgreSQL, runs each with a
/// <see cref="StageJob"/> over the same stores <c>keel server</c> uses, and dispatches the stages each one unblocks
/// through its own node (so they usually start here at once, without waiting for another node's poll).
/// </summary>
public sealed class PipelineWorker : IAsyncDisposable
{
    private readonly QuartzCluster _cluster;

    private PipelineWorker(QuartzCluster cluster, string workerId)
    {
        _cluster = cluster;
        WorkerId = workerId;
    }

    /// <summary>This worker's id.</summary>
    public string WorkerId { get; }

    /// <summary>Joins the cluster and starts claiming stages.</summary>
    /// <exception cref="ArgumentException">The backend store is not PostgreSQL.</exception>
    public static async Task<PipelineWorker> StartAsync(KeelStores stores, string backendStoreUri, PipelineWorkerOptions options, TimeProvider time,
        Action<string>? log, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(stores);
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrEmpty(backendStoreUri) || !PostgresUri.Matches(backendStoreUri))
        {
            throw new ArgumentException(RequiresPostgres, nameof(backendStoreUri));
        }
        IPipelineDispatcher? dispatcher = null;
        var stages = StageJobs.Create(stores, time, options.WorkerId, () => dispatcher!, log, () => options.TrackingUri);
        var cluster = await QuartzCluster.JoinAsync(QuartzClusterOptions.ForBackendStore(backendStoreUri) with
        {
            CheckinInterval = options.CheckinInterval,
            Concurrency = options.Concurrency,
            InstanceId = options.WorkerId,
        }, services => services.AddSingleton(stages), ct);
        try
        {
            dispatcher = new QuartzPipelineDispatcher(cluster.Scheduler);
            await cluster.StartAsync(ct);
            return new PipelineWorker(cluster, options.WorkerId);
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>The message for a backend store workers cannot share.</summary>
    public const string RequiresPostgres = "workers need PostgreSQL; on SQLite `keel server` runs stages itself";

    /// <summary>Stops claiming stages and releases the running ones to other workers (see <see cref="QuartzCluster.StopAsync"/>).</summary>
    public Task StopAsync(CancellationToken ct) => _cluster.StopAsync(ct);

    public ValueTask DisposeAsync() => _cluster.DisposeAsync();
}
