using Keel.Contracts.KeelApi;
using Keel.Data.Repository;

namespace Keel.Data.Remote;

/// <summary>How far a push or pull has got: objects and bytes moved so far, out of the totals it set out to move.</summary>
public readonly record struct DataTransferProgress(long Objects, long Bytes, long TotalObjects, long TotalBytes);

/// <summary>One object to move: its hash and size in bytes.</summary>
public sealed record DataObjectRef(string Hash, long Size);

/// <summary>
/// What a push will send, found by asking the server what it lacks: the chunks, then the manifests (last, so a manifest
/// on the server means its chunks are there), and what it already holds.
/// </summary>
public sealed record PushPlan(
    IReadOnlyList<TrackedData> Items,
    IReadOnlyList<DataObjectRef> Chunks,
    IReadOnlyList<DataObjectRef> Manifests,
    int ObjectsPresent,
    long BytesPresent)
{
    /// <summary>
    /// Chunks sent as the deltas they are stored as, each with its base (held by the server or sent first); other
    /// delta-encoded chunks are sent in full. Default: none. Sizes in this plan are of content, not of stored forms.
    /// </summary>
    public IReadOnlyDictionary<string, string> DeltaBases { get; init; } = new Dictionary<string, string>();

    public int ObjectsToSend => Chunks.Count + Manifests.Count;

    public long BytesToSend => Chunks.Sum(c => c.Size) + Manifests.Sum(m => m.Size);
}

/// <summary>What a push did.</summary>
/// <param name="ObjectsSent">Objects uploaded.</param>
/// <param name="BytesSent">Bytes uploaded.</param>
/// <param name="ObjectsSkipped">Objects the server already held, so not sent.</param>
/// <param name="BytesSkipped">Their bytes.</param>
/// <param name="DatasetVersions">Dataset versions created for pointers naming a dataset (none when the latest already matched).</param>
/// <param name="Elapsed">Wall time of the push, planning included.</param>
public sealed record PushResult(
    int ObjectsSent, long BytesSent, int ObjectsSkipped, long BytesSkipped, IReadOnlyList<DatasetVersionDto> DatasetVersions, TimeSpan Elapsed)
{
    /// <summary>Of <see cref="ObjectsSent"/>, those that went straight to the server's object store with presigned URLs.</summary>
    public int ObjectsDirect { get; init; }
}

/// <summary>
/// What a pull will fetch: manifests are fetched (and verified) while planning, so the plan knows every chunk the cache
/// lacks and which file first needs each one (for error messages).
/// </summary>
public sealed record PullPlan(
    IReadOnlyList<TrackedData> Items,
    IReadOnlyList<DataObjectRef> Chunks,
    IReadOnlyDictionary<string, string> FileOfChunk,
    int ManifestsFetched,
    long ManifestBytesFetched,
    int ObjectsPresent,
    long BytesPresent)
{
    public long BytesToFetch => Chunks.Sum(c => c.Size);
}

/// <summary>What a pull did.</summary>
/// <param name="ObjectsReceived">Objects downloaded into the cache (manifests included).</param>
/// <param name="BytesReceived">Bytes downloaded.</param>
/// <param name="ObjectsSkipped">Objects already in the cache, so not fetched.</param>
/// <param name="BytesSkipped">Their bytes.</param>
/// <param name="Elapsed">Wall time of the pull, planning included.</param>
public sealed record PullResult(int ObjectsReceived, long BytesReceived, int ObjectsSkipped, long BytesSkipped, TimeSpan Elapsed)
{
    /// <summary>Of <see cref="ObjectsReceived"/>, those that came straight from the server's object store with presigned URLs.</summary>
    public int ObjectsDirect { get; init; }
}
