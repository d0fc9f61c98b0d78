using Keel.Client;
using Keel.Contracts.KeelApi;
using Keel.Contracts.Mlflow;
using Keel.Core.Common;
using Keel.Core.Data.Manifests;
using Keel.Core.Data.Storage;
using Keel.Data.Cache;
using Keel.Data.Repository;

namespace Keel.Data.Remote;

/// <summary>Pull: manifests first (verified), then the chunks the cache lacks, each verified as it is stored.</summary>
public sealed partial class DataTransfer
{
    /// <summary>Pulls <paramref name="items"/> into the cache: plans (fetching manifests), then fetches the missing chunks.</summary>
    public async Task<PullResult> PullAsync(IReadOnlyList<TrackedData> items, IProgress<DataTransferProgress>? progress = null, CancellationToken ct = default)
    {
        var started = _time.GetTimestamp();
        var plan = await PlanPullAsync(items, ct).ConfigureAwait(false);
        var result = await PullAsync(plan, progress, ct).ConfigureAwait(false);
        return result with { Elapsed = _time.GetElapsedTime(started) };
    }

    /// <summary>
    /// Fetches the manifests the cache lacks (each verified against its hash) and lists the chunks still missing. A
    /// manifest the server does not hold throws RESOURCE_DOES_NOT_EXIST naming the pointer; a corrupt one
    /// <see cref="CorruptObjectException"/>.
    /// </summary>
    public async Task<PullPlan> PlanPullAsync(IReadOnlyList<TrackedData> items, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        var fetched = 0;
        long fetchedBytes = 0;
        var present = 0;
        long presentBytes = 0;
        var chunks = new Dictionary<string, long>(StringComparer.Ordinal);
        var fileOfChunk = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in items.DistinctBy(i => i.Spec.Manifest, StringComparer.Ordinal))
        {
            var manifestHash = item.Spec.Manifest;
            if (cache.Contains(manifestHash))
            {
                present++;
                presentBytes += cache.SizeOf(manifestHash) ?? 0;
            }
            else
            {
                await FetchAsync(manifestHash, $"the manifest of '{item.RelativePath}'", ct).ConfigureAwait(false);
                fetched++;
                fetchedBytes += cache.SizeOf(manifestHash) ?? 0;
            }
            var manifest = DataManifest.Parse(cache.ReadVerified(manifestHash));
            foreach (var file in manifest.Files)
            {
                var label = manifest.IsDirectory ? item.RelativePath + "/" + file.Path : item.RelativePath;
                foreach (var chunk in file.Chunks)
                {
                    chunks.TryAdd(chunk.Hash, chunk.Size);
                    fileOfChunk.TryAdd(chunk.Hash, label);
                }
            }
        }
        var missing = new List<DataObjectRef>();
        foreach (var (hash, size) in chunks)
        {
            if (cache.Contains(hash))
            {
                present++;
                presentBytes += size;
            }
            else
            {
                missing.Add(new DataObjectRef(hash, size));
            }
        }
        return new PullPlan(items, missing, fileOfChunk, fetched, fetchedBytes, present, presentBytes);
    }

    /// <summary>
    /// Fetches a plan's chunks in parallel into the cache. A chunk whose bytes do not match its hash throws
    /// <see cref="CorruptObjectException"/> naming the chunk and its file, and is not stored; one the server lacks
    /// throws RESOURCE_DOES_NOT_EXIST. Chunks already fetched stay in the cache, so pulling again resumes.
    /// </summary>
    public async Task<PullResult> PullAsync(PullPlan plan, IProgress<DataTransferProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var started = _time.GetTimestamp();
        var counter = new TransferCounter(plan.Chunks.Count, plan.BytesToFetch, progress);
        foreach (var batch in plan.Chunks.Chunk(DataObjectLimits.MaxPresignedPerRequest))
        {
            var urls = await PresignAsync(batch, upload: false, ct).ConfigureAwait(false);
            await Parallel.ForEachAsync(batch, new ParallelOptions { MaxDegreeOfParallelism = Jobs, CancellationToken = ct }, async (chunk, token) =>
            {
                var file = plan.FileOfChunk.GetValueOrDefault(chunk.Hash);
                var url = urls?.GetValueOrDefault(chunk.Hash);
                await FetchAsync(chunk.Hash, file is null ? "a chunk" : $"a chunk of '{file}'", token, counter, url).ConfigureAwait(false);
                if (url is null)
                {
                    counter.Done(chunk.Size);
                }
                else
                {
                    counter.DoneDirect(chunk.Size);
                }
            }).ConfigureAwait(false);
        }
        return new PullResult(counter.Objects + plan.ManifestsFetched, counter.Bytes + plan.ManifestBytesFetched, plan.ObjectsPresent, plan.BytesPresent,
            _time.GetElapsedTime(started))
        {
            ObjectsDirect = counter.DirectObjects,
        };
    }

    /// <summary>
    /// Fetches one object in its stored form. A delta whose base the cache lacks has the base fetched first (and so on
    /// down its chain, which the server keeps at most <see cref="StoredObjectHeader.MaxChainDepth"/> deep), then is
    /// fetched again: the cache only admits what it can decode and verify. With <paramref name="url"/> the object comes
    /// straight from the object store (bases, rarely needed, through the server).
    /// </summary>
    private async Task FetchAsync(string hash, string what, CancellationToken ct, TransferCounter? counter = null, Uri? url = null)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await using var stream = url is null
                    ? await client.OpenDataObjectAsync(hash, ct).ConfigureAwait(false)
                    : await client.OpenDataObjectDirectAsync(url, ct).ConfigureAwait(false);
                await cache.PutAsync(hash, stream, ct).ConfigureAwait(false);
                return;
            }
            catch (MissingDeltaBaseException e) when (attempt <= StoredObjectHeader.MaxChainDepth)
            {
                await FetchAsync(e.BaseHash, $"the delta base of {what}", ct, counter).ConfigureAwait(false);
                counter?.DoneExtra(cache.ReadHeader(e.BaseHash)?.DecodedLength ?? cache.SizeOf(e.BaseHash) ?? 0);
            }
            catch (MissingDeltaBaseException e)
            {
                throw new CorruptObjectException(hash, $"Cannot pull {what}: object {hash} on the server at {client.TrackingUri} has a delta chain that does not end ({e.Message}).");
            }
            catch (KeelApiException e) when (e.ErrorCode == ErrorCodes.ResourceDoesNotExist)
            {
                throw KeelException.NotFound($"Cannot pull {what}: object {hash} is not on the server at {client.TrackingUri}; push it from a copy that has it.");
            }
            catch (CorruptObjectException e) when (string.Equals(e.Hash, hash, StringComparison.Ordinal))
            {
                // (A damaged local base is reported as it is, naming the cache file.)
                throw new CorruptObjectException(hash, $"Object {hash}, {what}, is corrupt on the server: {e.Message} Nothing corrupt entered the cache.");
            }
        }
    }
}
