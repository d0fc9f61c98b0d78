using Keel.Core.Hosting;

namespace Keel.Storage.Postgres;

/// <summary><see cref="IKeyRingStore"/> in the database's <c>key_ring</c> table, shared by every replica on it.</summary>
internal sealed class PostgresKeyRingStore(PostgresDatabase database) : IKeyRingStore
{
    public Task<IReadOnlyList<string>> ListAsync(CancellationToken ct = default) =>
        database.ReadAsync<IReadOnlyList<string>>(async c =>
        {
            var keys = new List<string>();
            await using var command = c.Command("SELECT xml FROM key_ring ORDER BY created_at, name;");
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                keys.Add(reader.GetString(0));
            }
            return keys;
        }, ct);

    public Task AddAsync(string name, string xml, long timestamp, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(xml);
        return database.WriteAsync((c, t) =>
            c.ExecAsync(t, "INSERT INTO key_ring (name, xml, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING;", ct, name, xml, timestamp), ct);
    }
}

/// <summary>The tracking store hands out the key ring of its own database (see <see cref="IKeyRingStoreSource"/>).</summary>
internal sealed partial class PostgresTrackingStore : IKeyRingStoreSource
{
    public IKeyRingStore CreateKeyRingStore() => new PostgresKeyRingStore(database);
}
