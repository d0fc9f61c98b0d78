using Keel.Core.Pipelines;
using Keel.Storage;
using Keel.Storage.Postgres;
using Keel.Workers.InProcess;
using Keel.Workers.Quartz;
using Keel.Workers.Stages;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Workers.Hosting;

/// <summary>
/// What runs the stages <c>keel server</c> queues: on PostgreSQL, Quartz jobs claimed by <c>keel worker</c> processes
/// (this node only schedules); on the embedded SQLite store, an in-process runner, since no other machine can share
/// the database.
/// </summary>
public sealed class PipelineExecution : IAsyncDisposable
{
    private readonly IAsyncDisposable _owner;

    private PipelineExecution(IPipelineDispatcher dispatcher, IAsyncDisposable owner, string description)
    {
        Dispatcher = dispatcher;
        _owner = owner;
        Description = description;
    }

    /// <summary>Hands ready stages over; register it with <see cref="Register"/>.</summary>
    public IPipelineDispatcher Dispatcher { get; }

    /// <summary>One line for the server's banner, e.g. "in process, 1 stage at a time".</summary>
    public string Description { get; }

    /// <summary>Chooses by backend store: Quartz on PostgreSQL, in-process otherwise (resuming stages a previous run left unfinished).</summary>
    /// <param name="stores">The server's stores.</param>
    /// <param name="backendStoreUri">The server's backend store URI (null = the embedded SQLite default).</param>
    /// <param name="time">Clock.</param>
    /// <param name="log">Stage events of the in-process runner; may be null.</param>
    /// <param name="ct">Cancels the start.</param>
    /// <param name="trackingUri">The server's own address once it listens, given to in-process stage commands as KEEL_TRACKING_URI.</param>
    public static async Task<PipelineExecution> StartAsync(
        KeelStores stores, string? backendStoreUri, TimeProvider time, Action<string>? log, CancellationToken ct, Func<Uri?>? trackingUri = null)
    {
        ArgumentNullException.ThrowIfNull(stores);
        if (!string.IsNullOrEmpty(backendStoreUri) && PostgresUri.Matches(backendStoreUri))
        {
            var cluster = await QuartzCluster.JoinAsync(
                QuartzClusterOptions.ForBackendStore(backendStoreUri) with { InstanceId = $"server-{StageJobOptions.DefaultWorkerId()}" }, null, ct);
            return new PipelineExecution(new QuartzPipelineDispatcher(cluster.Scheduler), cluster, "stages are run by `keel worker` processes (Quartz on PostgreSQL)");
        }
        InProcessPipelineDispatcher? runner = null;
        var concurrency = InProcessPipelineDispatcher.DefaultConcurrency;
        runner = new InProcessPipelineDispatcher(
            () => StageJobs.Create(stores, time, $"server-{StageJobOptions.DefaultWorkerId()}", () => runner!, log, trackingUri), concurrency, log);
        try
        {
            await runner.ResumeAsync(stores.Pipelines, ct: ct);
        }
        catch
        {
            await runner.DisposeAsync();
            throw;
        }
        return new PipelineExecution(runner, runner, $"stages run in this process, {concurrency} at a time");
    }

    /// <summary>Registers <see cref="Dispatcher"/> as the host's <see cref="IPipelineDispatcher"/>.</summary>
    public IServiceCollection Register(IServiceCollection services) => services.AddSingleton(Dispatcher);

    public ValueTask DisposeAsync() => _owner.DisposeAsync();
}
