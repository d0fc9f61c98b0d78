using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Keel.Client.Internal;
using Keel.Contracts.KeelApi;
using Keel.Contracts.Mlflow;

namespace Keel.Client;

// MLflow's model registry API. Version numbers are longs here and strings on the wire, as MLflow sends them.
public sealed partial class KeelClient
{
    private static readonly System.Net.Http.Headers.MediaTypeHeaderValue JsonUtf8 = new("application/json") { CharSet = "utf-8" };

    /// <summary>Creates a registered model (<c>registered-models/create</c>).</summary>
    /// <param name="name">Unique model name; it must not contain '/', '\' or control characters.</param>
    /// <param name="description">Free-text description; null for none.</param>
    /// <param name="tags">Model tags; null for none.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="KeelApiException"><c>RESOURCE_ALREADY_EXISTS</c> when the name is taken.</exception>
    public async Task<RegisteredModelDto> CreateRegisteredModelAsync(
        string name, string? description = null, IReadOnlyDictionary<string, string>? tags = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var response = await _transport.PostAsync<CreateRegisteredModelRequest, RegisteredModelResponse>(
            MlflowRoutes.RegisteredModelsCreate,
            new CreateRegisteredModelRequest { Name = name, Description = description, Tags = ToKeyValues(tags) },
            ct).ConfigureAwait(false);
        return response.RegisteredModel;
    }

    /// <summary>Gets a registered model with its aliases, tags and the newest version of each stage (<c>registered-models/get</c>).</summary>
    /// <exception cref="KeelApiException"><c>RESOURCE_DOES_NOT_EXIST</c> when there is no such model.</exception>
    public async Task<RegisteredModelDto> GetRegisteredModelAsync(string name, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var response = await _transport.GetAsync<RegisteredModelResponse>(
            MlflowRoutes.RegisteredModelsGet, [new("name", name)], ct).ConfigureAwait(false);
        return response.RegisteredModel;
    }

    /// <summary>Renames a registered model and with it all its versions (<c>registered-models/rename</c>).</summary>
    /// <exception cref="KeelApiException"><c>RESOURCE_ALREADY_EXISTS</c> when <paramref name="newName"/> is taken.</exception>
    public async Task<RegisteredModelDto> RenameRegisteredModelAsync(string name, string newName, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(newName);
        var response = await _transport.PostAsync<RenameRegisteredModelRequest, RegisteredModelResponse>(
            MlflowRoutes.RegisteredModelsRename, new RenameRegisteredModelRequest { Name = name, NewName = newName }, ct).ConfigureAwait(false);
        return response.RegisteredModel;
    }

    /// <summary>Replaces a registered model's description (<c>registered-models/update</c>); null clears it.</summary>
    public async Task<RegisteredModelDto> UpdateRegisteredModelAsync(string name, string? description, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var response = await SendRegistryAsync<UpdateRegisteredModelRequest, RegisteredModelResponse>(
            HttpMethod.Patch, MlflowRoutes.RegisteredModelsUpdate, new UpdateRegisteredModelRequest { Name = name, Description = description ?? "" }, ct)
            .ConfigureAwait(false);
        return response.RegisteredModel;
    }

    /// <summary>Deletes a registered model with all its versions, tags and aliases (<c>registered-models/delete</c>).</summary>
    public Task DeleteRegisteredModelAsync(string name, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return SendRegistryAsync<RegisteredModelNameRequest, EmptyResponse>(
            HttpMethod.Delete, MlflowRoutes.RegisteredModelsDelete, new RegisteredModelNameRequest { Name = name }, ct);
    }

    /// <summary>
    /// One page of registered models (<c>registered-models/search</c>); pass
    /// <see cref="SearchRegisteredModelsResponse.NextPageToken"/> back as <paramref name="pageToken"/> for the next.
    /// </summary>
    /// <param name="filter">MLflow filter, such as <c>name LIKE 'fraud%'</c>; null for all models.</param>
    /// <param name="orderBy">Order terms, such as <c>name ASC</c>; null for the server's default (name ascending).</param>
    /// <param name="maxResults">Page size; null for the server's default of 100.</param>
    /// <param name="pageToken">Token from the previous page; null for the first.</param>
    /// <param name="ct">Cancels the call.</param>
    public Task<SearchRegisteredModelsResponse> SearchRegisteredModelsAsync(
        string? filter = null, IReadOnlyList<string>? orderBy = null, int? maxResults = null, string? pageToken = null, CancellationToken ct = default) =>
        _transport.GetAsync<SearchRegisteredModelsResponse>(
            MlflowRoutes.RegisteredModelsSearch, SearchQuery(filter, orderBy, maxResults, pageToken), ct);

    /// <summary>Sets (or overwrites) a tag on a registered model (<c>registered-models/set-tag</c>).</summary>
    public Task SetRegisteredModelTagAsync(string name, string key, string value, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        ArgumentNullException.ThrowIfNull(value);
        return _transport.PostAsync(MlflowRoutes.RegisteredModelsSetTag, new RegistryTagRequest { Name = name, Key = key, Value = value }, ct);
    }

    /// <summary>Deletes a tag of a registered model (<c>registered-models/delete-tag</c>).</summary>
    /// <exception cref="KeelApiException"><c>RESOURCE_DOES_NOT_EXIST</c> when there is no such model; a missing tag is not an error (as in MLflow).</exception>
    public Task DeleteRegisteredModelTagAsync(string name, string key, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        return SendRegistryAsync<RegistryTagRequest, EmptyResponse>(
            HttpMethod.Delete, MlflowRoutes.RegisteredModelsDeleteTag, new RegistryTagRequest { Name = name, Key = key }, ct);
    }

    /// <summary>
    /// The newest version in each of <paramref name="stages"/> (<c>registered-models/get-latest-versions</c>);
    /// null or empty for the newest version of every stage.
    /// </summary>
    public async Task<IReadOnlyList<ModelVersionDto>> GetLatestVersionsAsync(
        string name, IReadOnlyList<string>? stages = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var response = await _transport.PostAsync<GetLatestVersionsRequest, ModelVersionsResponse>(
            MlflowRoutes.RegisteredModelsGetLatestVersions, new GetLatestVersionsRequest { Name = name, Stages = stages }, ct).ConfigureAwait(false);
        return response.ModelVersions;
    }

    /// <summary>Points <paramref name="alias"/> at a version, moving it if it named another (<c>registered-models/alias</c>).</summary>
    /// <param name="name">The registered model.</param>
    /// <param name="alias">Letters, digits, '_' and '-'; 'latest' and 'v&lt;number&gt;' are reserved.</param>
    /// <param name="version">An existing version number.</param>
    /// <param name="ct">Cancels the call.</param>
    public Task SetRegisteredModelAliasAsync(string name, string alias, long version, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(alias);
        return SendRegistryAsync<SetAliasRequest, EmptyResponse>(
            HttpMethod.Post, MlflowRoutes.RegisteredModelsAlias, new SetAliasRequest { Name = name, Alias = alias, Version = VersionText(version) }, ct);
    }

    /// <summary>Removes an alias (<c>DELETE registered-models/alias</c>); the version it named stays.</summary>
    /// <exception cref="KeelApiException"><c>RESOURCE_DOES_NOT_EXIST</c> when there is no such model; a missing alias is not an error (as in MLflow).</exception>
    public Task DeleteRegisteredModelAliasAsync(string name, string alias, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(alias);
        return SendRegistryAsync<SetAliasRequest, EmptyResponse>(
            HttpMethod.Delete, MlflowRoutes.RegisteredModelsAlias, new SetAliasRequest { Name = name, Alias = alias }, ct);
    }

    /// <summary>The version an alias points at (<c>GET registered-models/alias</c>).</summary>
    /// <exception cref="KeelApiException"><c>INVALID_PARAMETER_VALUE</c> when the model has no such alias (also for an unknown model, as MLflow answers).</exception>
    public async Task<ModelVersionDto> GetModelVersionByAliasAsync(string name, string alias, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(alias);
        var response = await _transport.GetAsync<ModelVersionResponse>(
            MlflowRoutes.RegisteredModelsAlias, [new("name", name), new("alias", alias)], ct).ConfigureAwait(false);
        return response.ModelVersion;
    }

    /// <summary>Registers a new version of an existing model (<c>model-versions/create</c>), READY at once.</summary>
    /// <param name="name">The registered model.</param>
    /// <param name="source">
    /// Where the model files are: <c>runs:/&lt;run_id&gt;/&lt;path&gt;</c> or <c>mlflow-artifacts:/&lt;path&gt;</c> in the
    /// server's artifact store; a Keel server refuses anything else.
    /// </param>
    /// <param name="runId">The run that produced the model; null to take it from a <c>runs:/</c> source.</param>
    /// <param name="description">Free-text description; null for none.</param>
    /// <param name="tags">Version tags; null for none.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<ModelVersionDto> CreateModelVersionAsync(
        string name, string source, string? runId = null, string? description = null, IReadOnlyDictionary<string, string>? tags = null,
        CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        var response = await _transport.PostAsync<CreateModelVersionRequest, ModelVersionResponse>(
            MlflowRoutes.ModelVersionsCreate,
            new CreateModelVersionRequest { Name = name, Source = source, RunId = runId, Description = description, Tags = ToKeyValues(tags) },
            ct).ConfigureAwait(false);
        return response.ModelVersion;
    }

    /// <summary>Gets one model version (<c>model-versions/get</c>).</summary>
    /// <exception cref="KeelApiException"><c>RESOURCE_DOES_NOT_EXIST</c> when there is no such model or version.</exception>
    public async Task<ModelVersionDto> GetModelVersionAsync(string name, long version, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var response = await _transport.GetAsync<ModelVersionResponse>(
            MlflowRoutes.ModelVersionsGet, [new("name", name), new("version", VersionText(version))], ct).ConfigureAwait(false);
        return response.ModelVersion;
    }

    /// <summary>Replaces a version's description (<c>model-versions/update</c>); null clears it.</summary>
    public async Task<ModelVersionDto> UpdateModelVersionAsync(string name, long version, string? description, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var response = await SendRegistryAsync<UpdateModelVersionRequest, ModelVersionResponse>(
            HttpMethod.Patch, MlflowRoutes.ModelVersionsUpdate,
            new UpdateModelVersionRequest { Name = name, Version = VersionText(version), Description = description ?? "" }, ct).ConfigureAwait(false);
        return response.ModelVersion;
    }

    /// <summary>Deletes a version with its tags and the aliases that named it (<c>model-versions/delete</c>); its number is never reused.</summary>
    public Task DeleteModelVersionAsync(string name, long version, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return SendRegistryAsync<ModelVersionKeyRequest, EmptyResponse>(
            HttpMethod.Delete, MlflowRoutes.ModelVersionsDelete, new ModelVersionKeyRequest { Name = name, Version = VersionText(version) }, ct);
    }

    /// <summary>
    /// One page of model versions (<c>model-versions/search</c>); pass
    /// <see cref="SearchModelVersionsResponse.NextPageToken"/> back as <paramref name="pageToken"/> for the next.
    /// </summary>
    /// <param name="filter">MLflow filter, such as <c>name = 'fraud'</c> or <c>run_id = '…'</c>; null for all versions.</param>
    /// <param name="orderBy">Order terms, such as <c>version_number DESC</c>; null for the server's default.</param>
    /// <param name="maxResults">Page size; null for the server's default of 10,000.</param>
    /// <param name="pageToken">Token from the previous page; null for the first.</param>
    /// <param name="ct">Cancels the call.</param>
    public Task<SearchModelVersionsResponse> SearchModelVersionsAsync(
        string? filter = null, IReadOnlyList<string>? orderBy = null, int? maxResults = null, string? pageToken = null, CancellationToken ct = default) =>
        _transport.GetAsync<SearchModelVersionsResponse>(
            MlflowRoutes.ModelVersionsSearch, SearchQuery(filter, orderBy, maxResults, pageToken), ct);

    /// <summary>Moves a version to another stage (<c>model-versions/transition-stage</c>).</summary>
    /// <param name="name">The registered model.</param>
    /// <param name="version">The version to move.</param>
    /// <param name="stage">None, Staging, Production or Archived (any case).</param>
    /// <param name="archiveExistingVersions">With a Staging or Production target, moves the versions already there to Archived.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<ModelVersionDto> TransitionModelVersionStageAsync(
        string name, long version, string stage, bool archiveExistingVersions = false, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(stage);
        var response = await _transport.PostAsync<TransitionStageRequest, ModelVersionResponse>(
            MlflowRoutes.ModelVersionsTransitionStage,
            new TransitionStageRequest { Name = name, Version = VersionText(version), Stage = stage, ArchiveExistingVersions = archiveExistingVersions },
            ct).ConfigureAwait(false);
        return response.ModelVersion;
    }

    /// <summary>Sets (or overwrites) a tag on a model version (<c>model-versions/set-tag</c>).</summary>
    public Task SetModelVersionTagAsync(string name, long version, string key, string value, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        ArgumentNullException.ThrowIfNull(value);
        return _transport.PostAsync(
            MlflowRoutes.ModelVersionsSetTag, new RegistryTagRequest { Name = name, Version = VersionText(version), Key = key, Value = value }, ct);
    }

    /// <summary>Deletes a tag of a model version (<c>model-versions/delete-tag</c>).</summary>
    /// <exception cref="KeelApiException"><c>RESOURCE_DOES_NOT_EXIST</c> when there is no such model or version; a missing tag is not an error (as in MLflow).</exception>
    public Task DeleteModelVersionTagAsync(string name, long version, string key, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        return SendRegistryAsync<RegistryTagRequest, EmptyResponse>(
            HttpMethod.Delete, MlflowRoutes.ModelVersionsDeleteTag, new RegistryTagRequest { Name = name, Version = VersionText(version), Key = key }, ct);
    }

    /// <summary>
    /// Where a version's files are (<c>model-versions/get-download-uri</c>): on Keel an <c>mlflow-artifacts:/</c> URI
    /// that <c>DownloadModelAsync</c> can fetch.
    /// </summary>
    public async Task<string> GetModelVersionDownloadUriAsync(string name, long version, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var response = await _transport.GetAsync<DownloadUriResponse>(
            MlflowRoutes.ModelVersionsGetDownloadUri, [new("name", name), new("version", VersionText(version))], ct).ConfigureAwait(false);
        return response.ArtifactUri;
    }

    private static string VersionText(long version)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(version, 1);
        return version.ToString(CultureInfo.InvariantCulture);
    }

    private static List<KeyValuePair<string, string?>> SearchQuery(string? filter, IReadOnlyList<string>? orderBy, int? maxResults, string? pageToken)
    {
        if (maxResults is { } max)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(max, 1, nameof(maxResults));
        }
        List<KeyValuePair<string, string?>> query =
        [
            new("filter", filter),
            new("max_results", maxResults?.ToString(CultureInfo.InvariantCulture)),
            new("page_token", pageToken),
        ];
        query.AddRange((orderBy ?? []).Select(static term => new KeyValuePair<string, string?>("order_by", term)));
        return query;
    }

    // MLflow maps update to PATCH and deletes to DELETE with a JSON body; the transport's helpers only POST.
    private async Task<TResponse> SendRegistryAsync<TRequest, TResponse>(HttpMethod method, string route, TRequest body, CancellationToken ct)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(body, MlflowTransport.Info<TRequest>());
        var uri = _transport.ApiUri(route);
        using var response = await _transport.SendAsync(
            () =>
            {
                var request = new HttpRequestMessage(method, uri) { Content = new ByteArrayContent(bytes) { Headers = { ContentType = JsonUtf8 } } };
                // A Keel server records it in the alias history; MLflow ignores it.
                request.Headers.TryAddWithoutValidation(GovernanceRoutes.UserHeader, _user);
                return request;
            },
            HttpCompletionOption.ResponseContentRead,
            ct).ConfigureAwait(false);
        return await response.Content.ReadFromJsonAsync(MlflowTransport.Info<TResponse>(), ct).ConfigureAwait(false)
            ?? throw new JsonException($"The tracking server answered {method} {uri} with an empty body.");
    }
}
