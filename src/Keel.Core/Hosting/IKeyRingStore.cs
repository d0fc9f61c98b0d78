namespace Keel.Core.Hosting;

/// <summary>
/// The server's key ring (the keys that sign web UI form tokens and cookies), kept in the metadata database so every
/// replica on that database signs and checks with the same keys and the keys survive restarts. Keys are stored as the
/// XML elements ASP.NET Core data protection writes; nothing here interprets them. Keys are only ever added.
/// </summary>
public interface IKeyRingStore
{
    /// <summary>Every stored key element, oldest first.</summary>
    Task<IReadOnlyList<string>> ListAsync(CancellationToken ct = default);

    /// <summary>
    /// Stores the key element <paramref name="xml"/> under <paramref name="name"/> (unique per key); a name already
    /// stored keeps its first element, so two replicas writing the same key never conflict.
    /// </summary>
    Task AddAsync(string name, string xml, long timestamp, CancellationToken ct = default);
}
