using Keel.Contracts.KeelApi;
using Keel.Contracts.Mlflow;

namespace Keel.Client;

// The dataset registry of a Keel tracking server (/api/keel/v1/datasets): named datasets whose numbered versions name
// a data manifest pushed with keel data push. An MLflow server answers these with ENDPOINT_NOT_FOUND.
public sealed partial class KeelClient
{
    /// <summary>Creates a dataset without versions.</summary>
    /// <param name="name">Its name: not blank, '.' or '..'; no '/', '\' or control characters; at most 256 characters.</param>
    /// <param name="description">Free text, at most 5000 characters [default: none].</param>
    /// <param name="tags">Tags to set [default: none].</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="KeelApiException"><c>INVALID_PARAMETER_VALUE</c> naming the field; <c>RESOURCE_ALREADY_EXISTS</c> for a taken name.</exception>
    public Task<RegisteredDatasetDto> CreateDatasetAsync(
        string name, string? description = null, IReadOnlyDictionary<string, string>? tags = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var request = new CreateDatasetRequest { Name = name, Description = description, Tags = tags?.Select(t => new KeyValue(t.Key, t.Value)).ToArray() };
        return SendKeelAsync(HttpMethod.Post, KeelRoutes.Datasets, request, KeelJsonContext.Default.CreateDatasetRequest,
            KeelJsonContext.Default.RegisteredDatasetDto, ct);
    }

    /// <summary>A dataset with its tags and latest version number.</summary>
    /// <param name="name">The dataset.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="KeelApiException"><c>RESOURCE_DOES_NOT_EXIST</c> for an unknown dataset.</exception>
    public Task<RegisteredDatasetDto> GetDatasetAsync(string name, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return GetKeelAsync(DatasetRoute(name), KeelJsonContext.Default.RegisteredDatasetDto, ct);
    }

    /// <summary>One page of datasets ordered by name; pass <see cref="ListDatasetsResponse.NextPageToken"/> back for the next.</summary>
    /// <param name="namePrefix">Only names starting with this (case-sensitive) [default: all].</param>
    /// <param name="maxResults">Page size, 1 to 1000 [default: 100].</param>
    /// <param name="pageToken">A token from a previous page [default: the first page].</param>
    /// <param name="ct">Cancels the call.</param>
    public Task<ListDatasetsResponse> SearchDatasetsAsync(string? namePrefix = null, int? maxResults = null, string? pageToken = null, CancellationToken ct = default) =>
        GetKeelAsync(KeelRoutes.Datasets + Internal.MlflowTransport.Query(
            [new("name_prefix", namePrefix), new("max_results", maxResults?.ToString(System.Globalization.CultureInfo.InvariantCulture)), new("page_token", pageToken)]),
            KeelJsonContext.Default.ListDatasetsResponse, ct);

    /// <summary>Replaces a dataset's description.</summary>
    /// <param name="name">The dataset.</param>
    /// <param name="description">The new description; null clears it.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="KeelApiException"><c>RESOURCE_DOES_NOT_EXIST</c> for an unknown dataset.</exception>
    public Task<RegisteredDatasetDto> UpdateDatasetAsync(string name, string? description, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return SendKeelAsync(HttpMethod.Patch, DatasetRoute(name), new UpdateDatasetRequest { Description = description },
            KeelJsonContext.Default.UpdateDatasetRequest, KeelJsonContext.Default.RegisteredDatasetDto, ct);
    }

    /// <summary>Deletes a dataset with its versions and tags; the data objects stay on the server.</summary>
    /// <param name="name">The dataset.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="KeelApiException"><c>RESOURCE_DOES_NOT_EXIST</c> for an unknown dataset.</exception>
    public Task DeleteDatasetAsync(string name, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return DeleteKeelAsync(DatasetRoute(name), ct);
    }

    /// <summary>Sets (or replaces) a dataset's tag.</summary>
    /// <param name="name">The dataset.</param>
    /// <param name="key">The key: MLflow's tag key rules (letters, digits, '_', '-', '.', ' ', '/'; at most 250).</param>
    /// <param name="value">The value, at most 5000 characters.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="KeelApiException"><c>INVALID_PARAMETER_VALUE</c> for a bad key; <c>RESOURCE_DOES_NOT_EXIST</c> for an unknown dataset.</exception>
    public Task SetDatasetTagAsync(string name, string key, string value, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return SendKeelAsync(HttpMethod.Post, DatasetRoute(name) + "/tags", new SetDatasetTagRequest { Key = key, Value = value },
            KeelJsonContext.Default.SetDatasetTagRequest, KeelJsonContext.Default.DatasetEmptyResponse, ct);
    }

    /// <summary>Removes a dataset's tag; a key that is not set is not an error.</summary>
    /// <param name="name">The dataset.</param>
    /// <param name="key">The tag's key.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="KeelApiException"><c>RESOURCE_DOES_NOT_EXIST</c> for an unknown dataset.</exception>
    public Task DeleteDatasetTagAsync(string name, string key, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return DeleteKeelAsync(DatasetRoute(name) + "/tags" + Internal.MlflowTransport.Query([new("key", key)]), ct);
    }

    /// <summary>
    /// Adds the next version of a dataset. Its manifest must already be on the server (see
    /// <see cref="UploadDataObjectAsync"/>) and agree with size, file count and kind.
    /// </summary>
    /// <param name="name">The dataset.</param>
    /// <param name="request">The version: manifest hash, size, file count and kind are required; the rest optional.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="KeelApiException">
    /// <c>INVALID_PARAMETER_VALUE</c> naming the field (<c>manifest_hash</c> when the manifest was not pushed);
    /// <c>RESOURCE_DOES_NOT_EXIST</c> for an unknown dataset or run.
    /// </exception>
    public Task<DatasetVersionDto> CreateDatasetVersionAsync(string name, CreateDatasetVersionRequest request, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(request);
        return SendKeelAsync(HttpMethod.Post, DatasetRoute(name) + "/versions", request, KeelJsonContext.Default.CreateDatasetVersionRequest,
            KeelJsonContext.Default.DatasetVersionDto, ct);
    }

    /// <summary>A dataset version, with its profile.</summary>
    /// <param name="name">The dataset.</param>
    /// <param name="version">The version number, from 1.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="KeelApiException"><c>RESOURCE_DOES_NOT_EXIST</c> for an unknown dataset or version.</exception>
    public Task<DatasetVersionDto> GetDatasetVersionAsync(string name, long version, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return GetKeelAsync(DatasetVersionRoute(name, version), KeelJsonContext.Default.DatasetVersionDto, ct);
    }

    /// <summary>One page of a dataset's versions, newest first, without profiles.</summary>
    /// <param name="name">The dataset.</param>
    /// <param name="maxResults">Page size, 1 to 1000 [default: 100].</param>
    /// <param name="pageToken">A token from a previous page [default: the first page].</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="KeelApiException"><c>RESOURCE_DOES_NOT_EXIST</c> for an unknown dataset.</exception>
    public Task<ListDatasetVersionsResponse> ListDatasetVersionsAsync(string name, int? maxResults = null, string? pageToken = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return GetKeelAsync(DatasetRoute(name) + "/versions" + Internal.MlflowTransport.Query(
            [new("max_results", maxResults?.ToString(System.Globalization.CultureInfo.InvariantCulture)), new("page_token", pageToken)]),
            KeelJsonContext.Default.ListDatasetVersionsResponse, ct);
    }

    /// <summary>Sets (or replaces) a dataset version's tag (the rules of <see cref="SetDatasetTagAsync"/>).</summary>
    /// <param name="name">The dataset.</param>
    /// <param name="version">The version number.</param>
    /// <param name="key">The tag's key.</param>
    /// <param name="value">The tag's value.</param>
    /// <param name="ct">Cancels the call.</param>
    public Task SetDatasetVersionTagAsync(string name, long version, string key, string value, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return SendKeelAsync(HttpMethod.Post, DatasetVersionRoute(name, version) + "/tags", new SetDatasetTagRequest { Key = key, Value = value },
            KeelJsonContext.Default.SetDatasetTagRequest, KeelJsonContext.Default.DatasetEmptyResponse, ct);
    }

    /// <summary>Removes a dataset version's tag; a key that is not set is not an error.</summary>
    /// <param name="name">The dataset.</param>
    /// <param name="version">The version number.</param>
    /// <param name="key">The tag's key.</param>
    /// <param name="ct">Cancels the call.</param>
    public Task DeleteDatasetVersionTagAsync(string name, long version, string key, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return DeleteKeelAsync(DatasetVersionRoute(name, version) + "/tags" + Internal.MlflowTransport.Query([new("key", key)]), ct);
    }

    /// <summary>Every dataset version (of any dataset) whose manifest is <paramref name="manifestHash"/>, oldest first; empty when none.</summary>
    /// <param name="manifestHash">SHA-256 of the manifest, 64 lowercase hex digits (a pointer file's <c>manifest</c>).</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<IReadOnlyList<DatasetVersionDto>> FindDatasetVersionsByManifestAsync(string manifestHash, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(manifestHash);
        var response = await GetKeelAsync(KeelRoutes.DatasetVersionsByManifest + Internal.MlflowTransport.Query([new("manifest_hash", manifestHash)]),
            KeelJsonContext.Default.ListDatasetVersionsResponse, ct).ConfigureAwait(false);
        return response.DatasetVersions;
    }

    private static string DatasetRoute(string name) => KeelRoutes.Datasets + "/" + Uri.EscapeDataString(name);

    private static string DatasetVersionRoute(string name, long version) =>
        DatasetRoute(name) + "/versions/" + version.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private async Task DeleteKeelAsync(string route, CancellationToken ct)
    {
        var uri = KeelUri(route);
        using var response = await _transport.SendAsync(() => new HttpRequestMessage(HttpMethod.Delete, uri), HttpCompletionOption.ResponseContentRead, ct)
            .ConfigureAwait(false);
    }
}
