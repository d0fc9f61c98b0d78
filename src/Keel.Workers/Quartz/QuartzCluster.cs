using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Quartz;

namespace Keel.Workers.Quartz;

/// <summary>
/// This process's node in the Quartz.NET cluster on Keel's PostgreSQL: a clustered ADO.NET job store (Quartz's
/// PostgreSQL delegate, row locks, <c>acquireTriggersWithinLock</c>) whose tables Quartz creates when missing. A node
/// that only schedules (<c>keel server</c>) is never started; <c>keel worker</c> starts its node to claim stages.
/// </summary>
public sealed class QuartzCluster : IAsyncDisposable
{
    /// <summary>Quartz's scheduler name: every node with this name and table prefix shares the jobs.</summary>
    public const string SchedulerName = "keel-pipelines";

    // Quartz polls for due triggers at this interval when idle (its minimum); a trigger scheduled in this process wakes
    // it at once, one scheduled elsewhere is seen within this long.
    private static readonly TimeSpan IdleWait = TimeSpan.FromSeconds(1);

    // One lock for every Keel database: concurrent first starts would race creating the same tables.
    private const long SchemaLockKey = 0x6b65656c_71727a; // "keelqrz"

    private readonly StandaloneSchedulerFactory _factory;

    private QuartzCluster(StandaloneSchedulerFactory factory, IScheduler scheduler)
    {
        _factory = factory;
        Scheduler = scheduler;
    }

    /// <summary>The node's scheduler (not started).</summary>
    public IScheduler Scheduler { get; }

    /// <summary>Builds this node, creating Quartz's tables first if they are missing.</summary>
    /// <param name="options">Database, check-in interval, concurrency, instance id.</param>
    /// <param name="services">Registers what jobs need (their constructor arguments); may be null for a node that only schedules.</param>
    /// <param name="ct">Cancels the build.</param>
    public static async Task<QuartzCluster> JoinAsync(QuartzClusterOptions options, Action<IServiceCollection>? services, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        var factory = QuartzSchedulerBuilder.Create(q =>
        {
            q.ConfigureScheduler(scheduler =>
            {
                scheduler.InstanceName = SchedulerName;
                scheduler.IdleWaitTime = IdleWait;
                // A stopping worker asks its running stages to stop (their commands are killed) and waits for them to
                // unwind; with RecoverFiringsCancelledByShutdown they are handed back to the cluster, not lost.
                scheduler.ShutdownJobInterruption = ShutdownJobInterruption.WhenWaitingForJobs;
                if (options.InstanceId is { Length: > 0 } id)
                {
                    scheduler.InstanceId = id;
                }
            });
            q.UseDefaultThreadPool(Math.Max(1, options.Concurrency));
            q.UsePersistentStore(store =>
            {
                store.ConfigureStore(ado =>
                {
                    ado.TablePrefix = options.TablePrefix;
                    // Without it two nodes may both acquire one trigger between their reads and updates.
                    ado.AcquireTriggersWithinLock = true;
                    ado.RecoverFiringsCancelledByShutdown = true;
                });
                store.UseClustering(cluster =>
                {
                    cluster.CheckinInterval = options.CheckinInterval;
                    cluster.CheckinMisfireThreshold = options.CheckinInterval;
                });
                store.UsePostgres(options.ConnectionString);
                store.ProvisionSchema();
            });
            services?.Invoke(q.Services);
        }).Build();
        try
        {
            return new QuartzCluster(factory, await GetSchedulerWithSchemaAsync(factory, options.ConnectionString, ct));
        }
        catch
        {
            await factory.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts claiming stages.</summary>
    public async Task StartAsync(CancellationToken ct) => await Scheduler.Start(ct);

    /// <summary>
    /// Stops claiming and releases the running stages: each is cancelled (its command killed, its attempt ended) and
    /// handed back to the cluster for another node; returns once they have unwound.
    /// </summary>
    public async Task StopAsync(CancellationToken ct) => await Scheduler.Shutdown(waitForJobsToComplete: true, ct);

    public async ValueTask DisposeAsync() => await _factory.DisposeAsync();

    /// <summary>Builds the scheduler (which creates missing tables) holding a PostgreSQL advisory lock.</summary>
    private static async Task<IScheduler> GetSchedulerWithSchemaAsync(StandaloneSchedulerFactory factory, string connectionString, CancellationToken ct)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(ct);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", connection))
        {
            lockCommand.Parameters.AddWithValue("key", SchemaLockKey);
            await lockCommand.ExecuteNonQueryAsync(ct);
        }
        try
        {
            return await factory.GetScheduler(ct);
        }
        finally
        {
            await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", connection);
            unlock.Parameters.AddWithValue("key", SchemaLockKey);
            await unlock.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }
}
