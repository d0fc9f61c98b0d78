using Keel.Storage.Postgres;

namespace Keel.Workers.Quartz;

/// <summary>How a Keel process joins the Quartz.NET cluster that hands pipeline stages to workers.</summary>
public sealed record QuartzClusterOptions
{
    /// <summary>Prefix of Quartz's tables in Keel's PostgreSQL database, apart from Keel's own tables.</summary>
    public const string DefaultTablePrefix = "keel_qrtz_";

    /// <summary>The default <see cref="CheckinInterval"/>.</summary>
    public static readonly TimeSpan DefaultCheckinInterval = TimeSpan.FromSeconds(5);

    /// <summary>The Npgsql connection string of Keel's backend store.</summary>
    public required string ConnectionString { get; init; }

    /// <summary>
    /// How often a node records that it is alive. A node silent for this long plus as much again is presumed dead, and
    /// the stages it was running are recovered by another node (so this bounds how long a killed worker's stage waits).
    /// </summary>
    public TimeSpan CheckinInterval { get; init; } = DefaultCheckinInterval;

    /// <summary>Stages this node runs at once (its thread pool); irrelevant for a node that only schedules.</summary>
    public int Concurrency { get; init; } = 1;

    /// <summary>This node's id in the cluster (unique per live process); null generates one.</summary>
    public string? InstanceId { get; init; }

    /// <summary>Options for the cluster in the database of a <c>postgresql://</c> backend store URI.</summary>
    /// <exception cref="ArgumentException">The URI is not PostgreSQL's.</exception>
    public static QuartzClusterOptions ForBackendStore(string backendStoreUri) =>
        !string.IsNullOrEmpty(backendStoreUri) && PostgresUri.Matches(backendStoreUri)
            ? new QuartzClusterOptions { ConnectionString = PostgresUri.ToConnectionString(backendStoreUri) }
            : throw new ArgumentException("The Quartz cluster needs a postgresql:// backend store URI.", nameof(backendStoreUri));

    /// <summary>Quartz's table prefix.</summary>
    public string TablePrefix { get; init; } = DefaultTablePrefix;
}
