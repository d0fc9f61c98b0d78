namespace Keel.Storage.Postgres;

/// <summary>Pool and retry settings of Keel's PostgreSQL data source.</summary>
/// <param name="MaxPoolSize">Connections per process [default: 32]; replicas multiply it, so keep it under max_connections / replicas.</param>
/// <param name="CommandTimeoutSeconds">Per command [default: 30 s].</param>
/// <param name="MaxWriteAttempts">Attempts of one write transaction on serialization failures and deadlocks [default: 5].</param>
internal sealed record PostgresSettings(int MaxPoolSize = 32, int CommandTimeoutSeconds = 30, int MaxWriteAttempts = 5)
{
    public static PostgresSettings Default { get; } = new();
}
