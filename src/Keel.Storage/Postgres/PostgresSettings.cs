namespace Keel.Storage.Postgres;

/// <summary>
/// Pool, timeout and retry settings of Keel's PostgreSQL data source. They are defaults: the backend store URI's
/// query string (<c>MaxPoolSize</c>, <c>connect_timeout</c>, <c>CommandTimeout</c>, which the server's
/// <c>--db-*</c> flags write) wins where it names the same setting.
/// </summary>
/// <param name="MaxPoolSize">Connections per process [default: 32]; replicas multiply it, so keep it under max_connections / replicas.</param>
/// <param name="ConnectTimeoutSeconds">
/// Opening a connection, including waiting for a free one in an exhausted pool [default: 5 s]; a request that needs
/// an unreachable database fails with 503 within this time instead of Npgsql's 15 s.
/// </param>
/// <param name="CommandTimeoutSeconds">Per command [default: 30 s].</param>
/// <param name="MaxWriteAttempts">Attempts of one write transaction on serialization failures and deadlocks [default: 5].</param>
internal sealed record PostgresSettings(int MaxPoolSize = 32, int ConnectTimeoutSeconds = 5, int CommandTimeoutSeconds = 30, int MaxWriteAttempts = 5)
{
    public static PostgresSettings Default { get; } = new();
}
