namespace Keel.Core.Data.Storage;

/// <summary>
/// A stored object that cannot be decoded to the content its hash names: a damaged envelope or payload, or decoded
/// bytes that hash to something else. <see cref="Hash"/> is the object found damaged (in a delta chain, possibly a base
/// of the object asked for), so the caller can name the file to delete or fetch again.
/// </summary>
public sealed class CorruptStoredObjectException(string hash, string reason) : Exception($"Data object {hash} is corrupt: {reason}.")
{
    /// <summary>The damaged object.</summary>
    public string Hash { get; } = hash;

    /// <summary>What is wrong with it, without the object's name.</summary>
    public string Reason { get; } = reason;
}

/// <summary>A delta-encoded object whose base object is not in the store, so it cannot be decoded (or verified) yet.</summary>
public sealed class MissingDeltaBaseException(string hash, string baseHash)
    : Exception($"Data object {hash} is delta-encoded against {baseHash}, which is not stored.")
{
    /// <summary>The delta-encoded object.</summary>
    public string Hash { get; } = hash;

    /// <summary>Its missing base.</summary>
    public string BaseHash { get; } = baseHash;
}
