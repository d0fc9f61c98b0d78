using Keel.Client.Internal;
using Keel.Contracts.Mlflow;

namespace Keel.Client;

public sealed partial class KeelClient
{
    /// <summary>Creates an experiment (<c>experiments/create</c>).</summary>
    /// <param name="name">Unique experiment name.</param>
    /// <param name="artifactLocation">Where its runs store artifacts; null lets the server choose (its artifact proxy).</param>
    /// <param name="tags">Experiment tags; null for none.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <returns>The new experiment's id.</returns>
    /// <exception cref="KeelApiException"><c>RESOURCE_ALREADY_EXISTS</c> when the name is taken (also by a deleted experiment).</exception>
    public async Task<string> CreateExperimentAsync(
        string name, string? artifactLocation = null, IReadOnlyDictionary<string, string>? tags = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var response = await _transport.PostAsync<CreateExperimentRequest, CreateExperimentResponse>(
            MlflowRoutes.ExperimentsCreate,
            new CreateExperimentRequest { Name = name, ArtifactLocation = artifactLocation, Tags = ToKeyValues(tags) },
            ct).ConfigureAwait(false);
        return response.ExperimentId;
    }

    /// <summary>Gets an experiment by id (<c>experiments/get</c>).</summary>
    /// <exception cref="KeelApiException"><c>RESOURCE_DOES_NOT_EXIST</c> when there is no such experiment.</exception>
    public async Task<ExperimentDto> GetExperimentAsync(string experimentId, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(experimentId);
        var response = await _transport.GetAsync<GetExperimentResponse>(
            MlflowRoutes.ExperimentsGet, [new("experiment_id", experimentId)], ct).ConfigureAwait(false);
        return response.Experiment;
    }

    /// <summary>Gets an experiment by name (<c>experiments/get-by-name</c>), including a deleted one.</summary>
    /// <returns>The experiment, or null when the server answers <c>RESOURCE_DOES_NOT_EXIST</c>.</returns>
    public async Task<ExperimentDto?> GetExperimentByNameAsync(string name, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        try
        {
            var response = await _transport.GetAsync<GetExperimentResponse>(
                MlflowRoutes.ExperimentsGetByName, [new("experiment_name", name)], ct).ConfigureAwait(false);
            return response.Experiment;
        }
        catch (KeelApiException e) when (e.ErrorCode == ErrorCodes.ResourceDoesNotExist)
        {
            return null;
        }
    }

    /// <summary>
    /// The id of the active experiment named <paramref name="name"/>, created when there is none. Safe against
    /// another client creating it at the same moment.
    /// </summary>
    /// <exception cref="InvalidOperationException">The experiment exists but is deleted; restore it or pick another name.</exception>
    public async Task<string> GetOrCreateExperimentAsync(string name, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var existing = await GetExperimentByNameAsync(name, ct).ConfigureAwait(false);
        if (existing is null)
        {
            try
            {
                return await CreateExperimentAsync(name, ct: ct).ConfigureAwait(false);
            }
            catch (KeelApiException e) when (e.ErrorCode == ErrorCodes.ResourceAlreadyExists)
            {
                // Lost a race with another client; its experiment is as good as ours.
                existing = await GetExperimentByNameAsync(name, ct).ConfigureAwait(false);
                if (existing is null)
                {
                    throw;
                }
            }
        }
        if (existing.LifecycleStage == LifecycleStages.Deleted)
        {
            throw new InvalidOperationException(
                $"Experiment '{name}' (id {existing.ExperimentId}) is deleted; restore it with {nameof(RestoreExperimentAsync)} or choose another name.");
        }
        return existing.ExperimentId;
    }

    /// <summary>
    /// One page of experiments (<c>experiments/search</c>); pass <see cref="SearchExperimentsResponse.NextPageToken"/>
    /// back as <see cref="SearchExperimentsRequest.PageToken"/> for the next. Server defaults: 1000 results per page,
    /// active experiments only.
    /// </summary>
    public async Task<SearchExperimentsResponse> SearchExperimentsAsync(SearchExperimentsRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = await _transport.PostAsync<SearchExperimentsRequest, SearchExperimentsResponse>(
            MlflowRoutes.ExperimentsSearch, request, ct).ConfigureAwait(false);
        return response;
    }

    /// <summary>Renames an experiment (<c>experiments/update</c>).</summary>
    public Task RenameExperimentAsync(string experimentId, string newName, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(experimentId);
        ArgumentException.ThrowIfNullOrWhiteSpace(newName);
        return _transport.PostAsync(
            MlflowRoutes.ExperimentsUpdate, new UpdateExperimentRequest { ExperimentId = experimentId, NewName = newName }, ct);
    }

    /// <summary>Marks an experiment and its runs deleted (<c>experiments/delete</c>); <see cref="RestoreExperimentAsync"/> undoes it.</summary>
    public Task DeleteExperimentAsync(string experimentId, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(experimentId);
        return _transport.PostAsync(MlflowRoutes.ExperimentsDelete, new ExperimentIdRequest { ExperimentId = experimentId }, ct);
    }

    /// <summary>Restores a deleted experiment (<c>experiments/restore</c>).</summary>
    public Task RestoreExperimentAsync(string experimentId, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(experimentId);
        return _transport.PostAsync(MlflowRoutes.ExperimentsRestore, new ExperimentIdRequest { ExperimentId = experimentId }, ct);
    }

    /// <summary>Sets (or overwrites) an experiment tag (<c>experiments/set-experiment-tag</c>).</summary>
    public Task SetExperimentTagAsync(string experimentId, string key, string value, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(experimentId);
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        return _transport.PostAsync(
            MlflowRoutes.ExperimentsSetTag, new SetExperimentTagRequest { ExperimentId = experimentId, Key = key, Value = value }, ct);
    }

    private static KeyValue[]? ToKeyValues(IReadOnlyDictionary<string, string>? tags) =>
        tags?.Select(static pair => new KeyValue(pair.Key, pair.Value)).ToArray();
}
