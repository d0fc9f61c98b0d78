using Keel.Client;
using Keel.Core.Common;
using Keel.Core.Data.Manifests;
using Keel.Core.Data.Profiles;
using Keel.Data.Cache;
using Keel.Data.Repository;

namespace Keel.Data.Remote;

/// <summary>
/// Moves tracked data between the local cache and a Keel server's data objects. Only what the other side lacks is
/// sent: a push asks the server which chunks and manifests it is missing (so an interrupted push resumes by asking
/// again), sends chunks in parallel, and manifests last. A pull fetches manifests, then the chunks the cache lacks,
/// each verified against its hash before it enters the cache. Neither touches the working copy.
/// </summary>
/// <param name="client">The server's client.</param>
/// <param name="cache">The local cache (<c>.keel/cache</c>).</param>
/// <param name="time">Measures elapsed time [default: the system clock].</param>
public sealed partial class DataTransfer(KeelClient client, LocalObjectCache cache, TimeProvider? time = null)
{
    /// <summary>The default number of objects moved at once.</summary>
    public const int DefaultJobs = 8;

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>Objects moved at once, 1 to 64 [default: <see cref="DefaultJobs"/>].</summary>
    public int Jobs
    {
        get;
        init => field = value is >= 1 and <= 64 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "Jobs must be 1 to 64.");
    } = DefaultJobs;

    /// <summary>
    /// When set, called for each pushed pointer that names a dataset before its version is created, to fill row count,
    /// schema and profile (null for data that is not tabular). Null leaves them empty.
    /// </summary>
    public Func<TrackedData, CancellationToken, Task<DatasetProfile?>>? ProfileProvider { get; init; }

    /// <summary>Pushes <paramref name="items"/>: plans, then sends what is missing, then registers dataset versions.</summary>
    public async Task<PushResult> PushAsync(IReadOnlyList<TrackedData> items, IProgress<DataTransferProgress>? progress = null, CancellationToken ct = default)
    {
        var started = _time.GetTimestamp();
        var plan = await PlanPushAsync(items, ct).ConfigureAwait(false);
        var result = await PushAsync(plan, progress, ct).ConfigureAwait(false);
        return result with { Elapsed = _time.GetElapsedTime(started) };
    }

    /// <summary>
    /// Reads each item's manifest from the cache and asks the server which of its chunks and manifests it lacks. A
    /// manifest missing from the cache throws RESOURCE_DOES_NOT_EXIST naming the pointer.
    /// </summary>
    public async Task<PushPlan> PlanPushAsync(IReadOnlyList<TrackedData> items, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        var chunks = new Dictionary<string, long>(StringComparer.Ordinal);
        var manifests = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            var bytes = ReadManifestBytes(item);
            manifests[item.Spec.Manifest] = bytes.Length;
            foreach (var chunk in DataManifest.Parse(bytes).Files.SelectMany(f => f.Chunks))
            {
                chunks[chunk.Hash] = chunk.Size;
            }
        }
        var missing = (await client.FindMissingDataObjectsAsync(chunks.Keys.Concat(manifests.Keys), ct).ConfigureAwait(false))
            .ToHashSet(StringComparer.Ordinal);
        var sendChunks = chunks.Where(c => missing.Contains(c.Key)).Select(c => new DataObjectRef(c.Key, c.Value)).ToArray();
        var sendManifests = manifests.Where(m => missing.Contains(m.Key)).Select(m => new DataObjectRef(m.Key, m.Value)).ToArray();
        var present = chunks.Concat(manifests).Where(o => !missing.Contains(o.Key)).ToArray();
        return new PushPlan(items, sendChunks, sendManifests, present.Length, present.Sum(o => o.Value));
    }

    /// <summary>
    /// Sends a plan's chunks in parallel, then its manifests, then creates dataset versions. Cancelling leaves what
    /// arrived on the server; pushing again sends only the rest.
    /// </summary>
    public async Task<PushResult> PushAsync(PushPlan plan, IProgress<DataTransferProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var started = _time.GetTimestamp();
        var counter = new TransferCounter(plan.ObjectsToSend, plan.BytesToSend, progress);
        // Manifests go only after every chunk has arrived, so a manifest on the server always has its chunks.
        await UploadAllAsync(plan.Chunks, counter, ct).ConfigureAwait(false);
        await UploadAllAsync(plan.Manifests, counter, ct).ConfigureAwait(false);
        var versions = await new DatasetRegistration(client, ProfileProvider).RegisterAsync(plan.Items, ct).ConfigureAwait(false);
        return new PushResult(counter.Objects, counter.Bytes, plan.ObjectsPresent, plan.BytesPresent, versions, _time.GetElapsedTime(started));
    }

    private Task UploadAllAsync(IReadOnlyList<DataObjectRef> objects, TransferCounter counter, CancellationToken ct) =>
        Parallel.ForEachAsync(objects, new ParallelOptions { MaxDegreeOfParallelism = Jobs, CancellationToken = ct }, async (item, token) =>
        {
            byte[] bytes;
            try
            {
                bytes = cache.ReadVerified(item.Hash);
            }
            catch (KeelException e) when (e.Code == ErrorCode.ResourceDoesNotExist)
            {
                throw KeelException.NotFound($"Cannot push object {item.Hash}: it is missing from the local cache ({cache.Root}); run 'keel data add' again.");
            }
            await client.UploadDataObjectAsync(item.Hash, bytes, token).ConfigureAwait(false);
            counter.Done(bytes.Length);
        });

    private byte[] ReadManifestBytes(TrackedData item)
    {
        try
        {
            return cache.ReadVerified(item.Spec.Manifest);
        }
        catch (KeelException e) when (e.Code == ErrorCode.ResourceDoesNotExist)
        {
            throw KeelException.NotFound(
                $"Cannot push '{item.RelativePath}': its manifest {item.Spec.Manifest} is not in the local cache; run 'keel data add {item.RelativePath}' again.");
        }
    }
}
