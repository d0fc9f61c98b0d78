using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Keel.Client.Internal;
using Keel.Contracts.KeelApi;
using Keel.Contracts.Mlflow;

namespace Keel.Client;

/// <summary>Where a model URI points, as answered by <see cref="KeelClient.ResolveModelUriAsync"/>.</summary>
/// <param name="ArtifactUri">The <c>mlflow-artifacts:/</c> location of the model's files.</param>
/// <param name="ModelName">The registered model; null for <c>runs:/</c> and <c>mlflow-artifacts:/</c> URIs.</param>
/// <param name="Version">The model version; null for <c>runs:/</c> and <c>mlflow-artifacts:/</c> URIs.</param>
/// <param name="RunId">The run that produced the files, when known.</param>
public sealed record ResolvedModelUri(string ArtifactUri, string? ModelName, long? Version, string? RunId);

// Keel's own API (/api/keel/v1): model URIs and lineage. These calls need a Keel server; an MLflow server
// answers them with ENDPOINT_NOT_FOUND.
public sealed partial class KeelClient
{
    /// <summary>
    /// Resolves a model URI on the server: <c>models:/&lt;name&gt;/&lt;version&gt;</c>, <c>models:/&lt;name&gt;@&lt;alias&gt;</c>,
    /// <c>models:/&lt;name&gt;/&lt;stage&gt;</c> (newest version in None, Staging, Production or Archived, any case),
    /// <c>models:/&lt;name&gt;/latest</c> (newest version), <c>runs:/&lt;run_id&gt;/&lt;path&gt;</c> or
    /// <c>mlflow-artifacts:/&lt;path&gt;</c>.
    /// </summary>
    /// <param name="uri">The model URI.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="KeelApiException">
    /// <c>INVALID_PARAMETER_VALUE</c> for a malformed URI or one outside the server's artifact store;
    /// <c>RESOURCE_DOES_NOT_EXIST</c> for an unknown model, version, alias or run, or a stage without versions.
    /// </exception>
    public async Task<ResolvedModelUri> ResolveModelUriAsync(string uri, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(uri);
        var response = await GetKeelAsync(
            KeelRoutes.ModelUrisResolve + MlflowTransport.Query([new("uri", uri)]), KeelJsonContext.Default.ResolvedModelUriResponse, ct)
            .ConfigureAwait(false);
        long? version = long.TryParse(response.Version, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : null;
        return new ResolvedModelUri(response.ArtifactUri, response.ModelName, version, response.RunId);
    }

    /// <summary>
    /// Uploads the contents of <paramref name="localDirectory"/>, recursively, to an artifact location in Keel's store
    /// (an <c>mlflow-artifacts:/</c> URI such as <see cref="ResolvedModelUri.ArtifactUri"/>), replacing files of the
    /// same path: how <c>keel models export-onnx</c> adds a flavor to a registered package.
    /// </summary>
    /// <param name="artifactUri">The <c>mlflow-artifacts:/</c> location to write under.</param>
    /// <param name="localDirectory">The directory whose files to upload.</param>
    /// <param name="progress">Receives the bytes sent so far in this call, across all files.</param>
    /// <param name="ct">Cancels the upload; files already sent stay.</param>
    public Task UploadToArtifactUriAsync(string artifactUri, string localDirectory, IProgress<long>? progress = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(artifactUri);
        ArgumentException.ThrowIfNullOrEmpty(localDirectory);
        return UploadDirectoryAsync(ArtifactPath.ProxyRoot(artifactUri), localDirectory, "", new ByteCounter(progress), ct);
    }

    /// <summary>
    /// Resolves <paramref name="modelUri"/> (see <see cref="ResolveModelUriAsync"/>) and downloads every file under
    /// the location it names into <paramref name="destinationDirectory"/>, keeping paths relative to that location:
    /// a version whose source is <c>runs:/&lt;run&gt;/model</c> puts <c>model/MLmodel</c> at
    /// <c>&lt;destination&gt;/MLmodel</c>. Existing files are replaced only once their download is complete.
    /// </summary>
    /// <param name="modelUri">The model URI.</param>
    /// <param name="destinationDirectory">Local directory, created when missing.</param>
    /// <param name="progress">Receives the bytes received so far in this call, across all files.</param>
    /// <param name="ct">Cancels the download.</param>
    /// <returns>The full path of <paramref name="destinationDirectory"/>.</returns>
    /// <exception cref="KeelApiException"><c>RESOURCE_DOES_NOT_EXIST</c> when the URI names nothing, or no files are there.</exception>
    public async Task<string> DownloadModelAsync(
        string modelUri, string destinationDirectory, IProgress<long>? progress = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelUri);
        ArgumentException.ThrowIfNullOrEmpty(destinationDirectory);
        var resolved = await ResolveModelUriAsync(modelUri, ct).ConfigureAwait(false);
        var location = ArtifactPath.ProxyRoot(resolved.ArtifactUri);
        var slash = location.LastIndexOf('/');
        var (parent, name) = slash < 0 ? (string.Empty, location) : (location[..slash], location[(slash + 1)..]);
        var destination = Path.GetFullPath(destinationDirectory);
        Directory.CreateDirectory(destination);
        var counter = new ByteCounter(progress);

        // The proxy lists a file as an empty directory, so an empty listing means a single file (or nothing).
        var entries = name.Length == 0 ? [] : await ListProxiedAsync(parent, name, ct).ConfigureAwait(false);
        if (entries.Count > 0)
        {
            await DownloadDirectoryAsync(location, string.Empty, entries, destination, counter, ct).ConfigureAwait(false);
            return destination;
        }
        try
        {
            await DownloadFileAsync(parent, name, destination, counter, ct).ConfigureAwait(false);
        }
        catch (KeelApiException e) when (e.StatusCode == 404)
        {
            throw new KeelApiException(ErrorCodes.ResourceDoesNotExist,
                $"Model '{modelUri}' resolves to {resolved.ArtifactUri}, which holds no artifacts.", e.StatusCode);
        }
        return destination;
    }

    /// <summary>
    /// What produced a model version: the version itself, its source run (experiment, status, times, user, git commit
    /// and source tags), the run's params and latest metric values, and the datasets it logged as inputs.
    /// </summary>
    /// <param name="name">The registered model.</param>
    /// <param name="version">The version number.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <returns>The lineage graph; its <see cref="ModelVersionLineageResponse.Run"/> is null for a version registered without a run.</returns>
    /// <exception cref="KeelApiException"><c>RESOURCE_DOES_NOT_EXIST</c> when there is no such model or version.</exception>
    public Task<ModelVersionLineageResponse> GetModelVersionLineageAsync(string name, long version, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var route = string.Join('/',
            KeelRoutes.ModelVersionLineage, Uri.EscapeDataString(name), VersionText(version));
        return GetKeelAsync(route, KeelJsonContext.Default.ModelVersionLineageResponse, ct);
    }

    private async Task<T> GetKeelAsync<T>(string routeAndQuery, JsonTypeInfo<T> typeInfo, CancellationToken ct)
    {
        var uri = new Uri(_transport.BaseUri, KeelRoutes.ApiPrefix.TrimStart('/') + "/" + routeAndQuery);
        using var response = await _transport.SendAsync(() => new HttpRequestMessage(HttpMethod.Get, uri), HttpCompletionOption.ResponseContentRead, ct)
            .ConfigureAwait(false);
        return await response.Content.ReadFromJsonAsync(typeInfo, ct).ConfigureAwait(false)
            ?? throw new JsonException($"The tracking server answered {uri} with an empty body.");
    }
}
