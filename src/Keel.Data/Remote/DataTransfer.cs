using Keel.Client;
using Keel.Contracts.KeelApi;
using Keel.Core.Common;
using Keel.Core.Data.Manifests;
using Keel.Core.Data.Profiles;
using Keel.Core.Data.Storage;
using Keel.Data.Cache;
using Keel.Data.Repository;

namespace Keel.Data.Remote;

/// <summary>
/// Moves tracked data between the local cache and a Keel server's data objects. Only what the other side lacks is
/// sent: a push asks the server which chunks and manifests it is missing (so an interrupted push resumes by asking
/// again), sends chunks in parallel in their stored form (compressed, or as deltas once their base is there), and
/// manifests last. When the server offers presigned URLs, objects other than deltas go straight to its object store. A pull fetches manifests, then the chunks the cache lacks,
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
    /// Whether objects move straight between this machine and the server's object store with presigned URLs when the
    /// server offers them (an S3 data object store) [default: true]. Deltas, and everything when the server cannot
    /// presign, go through the server's data object endpoints.
    /// </summary>
    public bool Direct { get; init; } = true;

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
        var deltaBases = await PlanDeltasAsync(sendChunks, ct).ConfigureAwait(false);
        return new PushPlan(items, sendChunks, sendManifests, present.Length, present.Sum(o => o.Value)) { DeltaBases = deltaBases };
    }

    /// <summary>
    /// Which chunks to send as the deltas they are stored as: those whose base the server holds or is sent in this push.
    /// Any other delta-encoded chunk is decoded and sent in full, so the server can always verify what it receives.
    /// </summary>
    private async Task<IReadOnlyDictionary<string, string>> PlanDeltasAsync(IReadOnlyList<DataObjectRef> sendChunks, CancellationToken ct)
    {
        var baseOf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var chunk in sendChunks)
        {
            try
            {
                if (cache.ReadHeader(chunk.Hash) is { BaseHash: { } baseHash })
                {
                    baseOf[chunk.Hash] = baseHash;
                }
            }
            catch (Exception e) when (e is KeelException or CorruptObjectException)
            {
                // Missing or damaged: the upload reports it with the object's name.
            }
        }
        var sending = sendChunks.Select(c => c.Hash).ToHashSet(StringComparer.Ordinal);
        var unknown = baseOf.Values.Where(b => !sending.Contains(b)).Distinct(StringComparer.Ordinal).ToArray();
        var absent = unknown.Length == 0
            ? []
            : (await client.FindMissingDataObjectsAsync(unknown, ct).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
        return baseOf.Where(d => !absent.Contains(d.Value)).ToDictionary(StringComparer.Ordinal);
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
        // A delta goes only after its base, so the server can decode and verify it; manifests go only after every chunk
        // has arrived, so a manifest on the server always has its chunks.
        foreach (var wave in Waves(plan))
        {
            await UploadAllAsync(wave, plan.DeltaBases, counter, ct).ConfigureAwait(false);
        }
        await UploadAllAsync(plan.Manifests, plan.DeltaBases, counter, ct).ConfigureAwait(false);
        var versions = await new DatasetRegistration(client, ProfileProvider).RegisterAsync(plan.Items, ct).ConfigureAwait(false);
        return new PushResult(counter.Objects, counter.Bytes, plan.ObjectsPresent, plan.BytesPresent, versions, _time.GetElapsedTime(started))
        {
            ObjectsDirect = counter.DirectObjects,
        };
    }

    /// <summary>The plan's chunks in rounds: first those sent in full or against a base the server holds, then their dependents.</summary>
    private static IEnumerable<IReadOnlyList<DataObjectRef>> Waves(PushPlan plan)
    {
        var sending = plan.Chunks.Select(c => c.Hash).ToHashSet(StringComparer.Ordinal);
        var remaining = plan.Chunks.ToList();
        while (remaining.Count > 0)
        {
            var ready = remaining.Where(c => !plan.DeltaBases.TryGetValue(c.Hash, out var b) || !sending.Contains(b)).ToArray();
            if (ready.Length == 0)
            {
                // Bases always sit shallower than their dependents, so only a damaged cache gets here: send the rest and
                // let the server refuse, by name, what it cannot decode.
                ready = [.. remaining];
            }
            yield return ready;
            foreach (var chunk in ready)
            {
                sending.Remove(chunk.Hash);
            }
            remaining.RemoveAll(c => !sending.Contains(c.Hash));
        }
    }

    private async Task UploadAllAsync(IReadOnlyList<DataObjectRef> objects, IReadOnlyDictionary<string, string> deltaBases, TransferCounter counter, CancellationToken ct)
    {
        foreach (var batch in objects.Chunk(DataObjectLimits.MaxPresignedPerRequest))
        {
            // Deltas go through the server, which settles their chain; everything else straight to the object store when offered.
            var urls = await PresignAsync(batch.Where(o => !deltaBases.ContainsKey(o.Hash)), upload: true, ct).ConfigureAwait(false);
            await Parallel.ForEachAsync(batch, new ParallelOptions { MaxDegreeOfParallelism = Jobs, CancellationToken = ct }, async (item, token) =>
            {
                var body = ReadUploadBody(item, deltaBases);
                if (urls is not null && urls.TryGetValue(item.Hash, out var url))
                {
                    await client.UploadDataObjectDirectAsync(url, body, token).ConfigureAwait(false);
                    counter.DoneDirect(item.Size);
                }
                else
                {
                    await client.UploadDataObjectAsync(item.Hash, body, token).ConfigureAwait(false);
                    counter.Done(item.Size);
                }
            }).ConfigureAwait(false);
        }
    }

    /// <summary>The object's bytes to send: as stored, or decoded and re-encoded in full when it is a delta whose base the server will not have.</summary>
    private byte[] ReadUploadBody(DataObjectRef item, IReadOnlyDictionary<string, string> deltaBases)
    {
        try
        {
            // Decoding verifies the object here, so a damaged cache is reported as such rather than refused by the server.
            var content = cache.ReadVerified(item.Hash);
            return deltaBases.ContainsKey(item.Hash) || cache.ReadHeader(item.Hash) is not { Kind: StoredObjectKind.Delta }
                ? cache.ReadStored(item.Hash)
                : StoredObjectEncoder.EncodeFull(content) ?? content;
        }
        catch (KeelException e) when (e.Code == ErrorCode.ResourceDoesNotExist)
        {
            throw KeelException.NotFound($"Cannot push object {item.Hash}: it is missing from the local cache ({cache.Root}); run 'keel data add' again.");
        }
    }

    /// <summary>Presigned URLs for <paramref name="objects"/>, or null when direct transfers are off, not offered, or not needed.</summary>
    private async Task<IReadOnlyDictionary<string, Uri>?> PresignAsync(IEnumerable<DataObjectRef> objects, bool upload, CancellationToken ct)
    {
        var hashes = objects.Select(o => o.Hash).ToArray();
        if (!Direct || hashes.Length == 0)
        {
            return null;
        }
        return upload
            ? await client.PresignDataObjectUploadsAsync(hashes, ct).ConfigureAwait(false)
            : await client.PresignDataObjectDownloadsAsync(hashes, ct).ConfigureAwait(false);
    }

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
