using System.Globalization;
using Keel.Core.Common;
using Keel.Core.Data;
using Keel.Core.Data.Manifests;
using Keel.Core.Pipelines.Runs;
using Keel.Core.Tracking;

namespace Keel.Core.Datasets;

/// <summary>
/// The rules of the dataset registry; hosts call this, never the store directly. A version may only name a manifest
/// the server holds (pushed first, chunks before manifest), and its size, file count and kind must agree with it, so
/// a registered version can always be pulled.
/// </summary>
/// <param name="store">Where datasets and versions are kept.</param>
/// <param name="tracking">Checks that a version's run exists.</param>
/// <param name="objects">The server's data objects, where manifests are looked up.</param>
/// <param name="time">The clock of timestamps.</param>
/// <param name="triggers">Told about each new version, to start the pipelines it triggers; none by default.</param>
public sealed class DatasetService(IDatasetStore store, ITrackingStore tracking, DataObjectStore objects, TimeProvider time, IPipelineTriggers? triggers = null)
{
    private long Now => time.GetUtcNow().ToUnixTimeMilliseconds();

    public Task<RegisteredDataset> CreateDatasetAsync(string? name, string? description, IReadOnlyList<Tag>? tags, CancellationToken ct = default) =>
        store.CreateDatasetAsync(new NewDataset(DatasetRules.Name(name), DatasetRules.Description(description), DatasetRules.Tags(tags), Now), ct);

    public async Task<RegisteredDataset> GetDatasetAsync(string? name, CancellationToken ct = default)
    {
        var valid = DatasetRules.Name(name);
        return await store.GetDatasetAsync(valid, ct) ?? throw NotFound(valid);
    }

    /// <summary>Datasets by name, optionally only those starting with <paramref name="namePrefix"/>.</summary>
    public Task<Page<RegisteredDataset>> SearchDatasetsAsync(string? namePrefix, long? maxResults, string? pageToken, CancellationToken ct = default) =>
        store.SearchDatasetsAsync(string.IsNullOrEmpty(namePrefix) ? null : namePrefix, DatasetRules.PageSize(maxResults), PageToken.DecodeOffset(pageToken), ct);

    public async Task<RegisteredDataset> UpdateDatasetAsync(string? name, string? description, CancellationToken ct = default)
    {
        var valid = DatasetRules.Description(description);
        var dataset = await GetDatasetAsync(name, ct);
        await store.UpdateDatasetAsync(dataset.Name, valid, Now, ct);
        return await GetDatasetAsync(dataset.Name, ct);
    }

    public async Task DeleteDatasetAsync(string? name, CancellationToken ct = default)
    {
        var dataset = await GetDatasetAsync(name, ct);
        await store.DeleteDatasetAsync(dataset.Name, ct);
    }

    public async Task SetDatasetTagAsync(string? name, string? key, string? value, CancellationToken ct = default)
    {
        var tag = DatasetRules.Tag(key, value);
        var dataset = await GetDatasetAsync(name, ct);
        await store.SetDatasetTagAsync(dataset.Name, tag, Now, ct);
    }

    public async Task DeleteDatasetTagAsync(string? name, string? key, CancellationToken ct = default)
    {
        var tag = DatasetRules.Tag(key, "");
        var dataset = await GetDatasetAsync(name, ct);
        await store.DeleteDatasetTagAsync(dataset.Name, tag.Key, ct);
    }

    /// <summary>
    /// Adds the next version. The manifest must be in the server's data objects (400 naming <c>manifest_hash</c>:
    /// push first) and agree with size, file count and kind; a given run must exist (404 naming <c>run_id</c>).
    /// </summary>
    public async Task<DatasetVersion> CreateVersionAsync(NewDatasetVersion version, CancellationToken ct = default)
    {
        var valid = DatasetRules.Validate(version);
        await GetDatasetAsync(valid.Name, ct);
        if (valid.RunId is { Length: > 0 } runId && await tracking.GetRunInfoAsync(runId, ct) is null)
        {
            throw KeelException.NotFound($"Invalid value '{runId}' for parameter 'run_id': no such run.");
        }
        await CheckManifestAsync(valid, ct);
        var created = await store.CreateVersionAsync(valid with { RunId = string.IsNullOrEmpty(valid.RunId) ? null : valid.RunId, Now = Now }, ct);
        if (triggers is not null)
        {
            await triggers.OnDatasetVersionAsync(created.Name, created.Version, ct);
        }
        return created;
    }

    public async Task<DatasetVersion> GetVersionAsync(string? name, long version, CancellationToken ct = default)
    {
        var valid = DatasetRules.Name(name);
        DatasetRules.Version(version);
        return await store.GetVersionAsync(valid, version, ct) ?? throw VersionNotFound(valid, version, await store.GetDatasetAsync(valid, ct) is null);
    }

    /// <summary>A dataset's versions, newest first.</summary>
    public async Task<Page<DatasetVersion>> ListVersionsAsync(string? name, long? maxResults, string? pageToken, CancellationToken ct = default)
    {
        var size = DatasetRules.PageSize(maxResults);
        var offset = PageToken.DecodeOffset(pageToken);
        var dataset = await GetDatasetAsync(name, ct);
        return await store.ListVersionsAsync(dataset.Name, size, offset, ct);
    }

    public async Task SetVersionTagAsync(string? name, long version, string? key, string? value, CancellationToken ct = default)
    {
        var tag = DatasetRules.Tag(key, value);
        var found = await GetVersionAsync(name, version, ct);
        await store.SetVersionTagAsync(found.Name, found.Version, tag, Now, ct);
    }

    public async Task DeleteVersionTagAsync(string? name, long version, string? key, CancellationToken ct = default)
    {
        var tag = DatasetRules.Tag(key, "");
        var found = await GetVersionAsync(name, version, ct);
        await store.DeleteVersionTagAsync(found.Name, found.Version, tag.Key, ct);
    }

    /// <summary>Every version whose manifest is <paramref name="manifestHash"/>, oldest first (empty when none).</summary>
    public Task<IReadOnlyList<DatasetVersion>> FindVersionsByManifestAsync(string? manifestHash, CancellationToken ct = default) =>
        store.FindVersionsByManifestAsync(ContentHash.Require(manifestHash, "manifest_hash"), ct);

    private async Task CheckManifestAsync(NewDatasetVersion version, CancellationToken ct)
    {
        var hash = version.ManifestHash;
        if (!await objects.ExistsAsync(hash, ct))
        {
            throw KeelException.InvalidParameter(
                $"Invalid value '{hash}' for parameter 'manifest_hash': the server holds no such data object; push the data first (keel data push).");
        }
        DataManifest manifest;
        await using (var stream = await objects.OpenReadAsync(hash, ct))
        using (var buffer = new MemoryStream())
        {
            await stream.CopyToAsync(buffer, ct);
            try
            {
                manifest = DataManifest.Parse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
            }
            catch (KeelException e)
            {
                throw KeelException.InvalidParameter($"Invalid value '{hash}' for parameter 'manifest_hash': that data object is not a data manifest ({e.Message}).");
            }
        }
        var kind = manifest.IsDirectory ? DatasetKinds.Directory : DatasetKinds.File;
        if (manifest.TotalSize != version.Size || manifest.FileCount != version.FileCount || kind != version.Kind)
        {
            throw KeelException.InvalidParameter(string.Create(CultureInfo.InvariantCulture,
                $"Invalid value for parameter 'size', 'file_count' or 'kind': the manifest {hash} holds a {kind} of {manifest.FileCount} files and {manifest.TotalSize} bytes, not a {version.Kind} of {version.FileCount} files and {version.Size} bytes."));
        }
    }

    private static KeelException NotFound(string name) => KeelException.NotFound($"Dataset '{name}' not found.");

    private static KeelException VersionNotFound(string name, long version, bool datasetMissing) =>
        datasetMissing
            ? NotFound(name)
            : KeelException.NotFound(string.Create(CultureInfo.InvariantCulture, $"Dataset '{name}' has no version {version}."));
}
