using System.Runtime.CompilerServices;
using Keel.Client.Internal;
using Keel.Contracts.Mlflow;

namespace Keel.Client;

public sealed partial class KeelClient
{
    /// <summary>
    /// Creates a run (<c>runs/create</c>). A null <see cref="CreateRunRequest.StartTime"/> is set to now, in
    /// milliseconds since the Unix epoch (MLflow servers do not fill it in).
    /// </summary>
    public async Task<RunDto> CreateRunAsync(CreateRunRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var withStart = request.StartTime is null ? request with { StartTime = Now() } : request;
        var response = await _transport.PostAsync<CreateRunRequest, RunResponse>(MlflowRoutes.RunsCreate, withStart, ct).ConfigureAwait(false);
        return response.Run;
    }

    /// <summary>Gets a run with its metrics' latest values, params, tags and inputs (<c>runs/get</c>).</summary>
    /// <exception cref="KeelApiException"><c>RESOURCE_DOES_NOT_EXIST</c> when there is no such run.</exception>
    public async Task<RunDto> GetRunAsync(string runId, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        var response = await _transport.GetAsync<RunResponse>(MlflowRoutes.RunsGet, [new("run_id", runId)], ct).ConfigureAwait(false);
        return response.Run;
    }

    /// <summary>Updates a run's status, end time (ms since the Unix epoch) or name (<c>runs/update</c>).</summary>
    public async Task<RunInfoDto> UpdateRunAsync(UpdateRunRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = await _transport.PostAsync<UpdateRunRequest, UpdateRunResponse>(MlflowRoutes.RunsUpdate, request, ct).ConfigureAwait(false);
        return response.RunInfo;
    }

    /// <summary>Marks a run deleted (<c>runs/delete</c>); <see cref="RestoreRunAsync"/> undoes it.</summary>
    public Task DeleteRunAsync(string runId, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        return _transport.PostAsync(MlflowRoutes.RunsDelete, new RunIdRequest { RunId = runId }, ct);
    }

    /// <summary>Restores a deleted run (<c>runs/restore</c>).</summary>
    public Task RestoreRunAsync(string runId, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        return _transport.PostAsync(MlflowRoutes.RunsRestore, new RunIdRequest { RunId = runId }, ct);
    }

    /// <summary>
    /// One page of runs (<c>runs/search</c>) matching MLflow's filter grammar; pass
    /// <see cref="SearchRunsResponse.NextPageToken"/> back as <see cref="SearchRunsRequest.PageToken"/> for the next.
    /// Server defaults: 1000 results per page, active runs only.
    /// </summary>
    public async Task<SearchRunsResponse> SearchRunsAsync(SearchRunsRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = await _transport.PostAsync<SearchRunsRequest, SearchRunsResponse>(MlflowRoutes.RunsSearch, request, ct).ConfigureAwait(false);
        return response;
    }

    /// <summary>
    /// Every run matching <paramref name="request"/>, fetched page by page (<see cref="SearchRunsRequest.MaxResults"/>
    /// sets the page size) as the sequence is enumerated, starting at <see cref="SearchRunsRequest.PageToken"/>.
    /// </summary>
    public async IAsyncEnumerable<RunDto> SearchAllRunsAsync(
        SearchRunsRequest request, [EnumeratorCancellation] CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var page = request;
        while (true)
        {
            var response = await SearchRunsAsync(page, ct).ConfigureAwait(false);
            foreach (var run in response.Runs)
            {
                yield return run;
            }
            if (string.IsNullOrEmpty(response.NextPageToken))
            {
                yield break;
            }
            page = page with { PageToken = response.NextPageToken };
        }
    }

    /// <summary>Logs one metric value (<c>runs/log-metric</c>). For many values use a <see cref="KeelRun"/> or <see cref="LogBatchAsync"/>.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="key">Metric name.</param>
    /// <param name="value">The value; NaN and ±Infinity are allowed.</param>
    /// <param name="step">Training step, default 0.</param>
    /// <param name="timestamp">Milliseconds since the Unix epoch; null means now (from <see cref="KeelClientOptions.TimeProvider"/>).</param>
    /// <param name="ct">Cancels the call.</param>
    public Task LogMetricAsync(string runId, string key, double value, long step = 0, long? timestamp = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        ArgumentException.ThrowIfNullOrEmpty(key);
        return _transport.PostAsync(
            MlflowRoutes.RunsLogMetric,
            new LogMetricRequest { RunId = runId, RunUuid = runId, Key = key, Value = value, Step = step, Timestamp = timestamp ?? Now() },
            ct);
    }

    /// <summary>Logs a param (<c>runs/log-parameter</c>). Params are immutable: logging a different value for a key
    /// already logged throws <see cref="KeelApiException"/> with <c>INVALID_PARAMETER_VALUE</c>.</summary>
    public Task LogParamAsync(string runId, string key, string value, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        return _transport.PostAsync(
            MlflowRoutes.RunsLogParameter, new LogParamRequest { RunId = runId, RunUuid = runId, Key = key, Value = value }, ct);
    }

    /// <summary>Sets (or overwrites) a run tag (<c>runs/set-tag</c>).</summary>
    public Task SetTagAsync(string runId, string key, string value, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        return _transport.PostAsync(
            MlflowRoutes.RunsSetTag, new SetTagRequest { RunId = runId, RunUuid = runId, Key = key, Value = value }, ct);
    }

    /// <summary>Deletes a run tag (<c>runs/delete-tag</c>).</summary>
    public Task DeleteTagAsync(string runId, string key, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        ArgumentException.ThrowIfNullOrEmpty(key);
        return _transport.PostAsync(MlflowRoutes.RunsDeleteTag, new DeleteTagRequest { RunId = runId, Key = key }, ct);
    }

    /// <summary>
    /// Logs metrics, params and tags (<c>runs/log-batch</c>), split into as many requests as MLflow's limits need:
    /// at most 100 params, 100 tags and <see cref="KeelClientOptions.MaxBatchSize"/> metrics, 1000 entries in all,
    /// per request. Each request is atomic; requests are sent in order and the first failure stops the rest.
    /// </summary>
    public async Task LogBatchAsync(
        string runId, IReadOnlyList<MetricDto>? metrics = null, IReadOnlyList<KeyValue>? parameters = null,
        IReadOnlyList<KeyValue>? tags = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        foreach (var batch in LogBatchLimits.Split(runId, metrics ?? [], parameters ?? [], tags ?? [], _maxBatchSize))
        {
            await _transport.PostAsync(MlflowRoutes.RunsLogBatch, batch, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Records the datasets a run read (<c>runs/log-inputs</c>).</summary>
    public Task LogInputsAsync(string runId, IReadOnlyList<DatasetInputDto> datasets, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        ArgumentNullException.ThrowIfNull(datasets);
        return _transport.PostAsync(MlflowRoutes.RunsLogInputs, new LogInputsRequest { RunId = runId, Datasets = datasets }, ct);
    }

    /// <summary>Every logged value of one metric (<c>metrics/get-history</c>), all pages, in the server's order.</summary>
    public async Task<IReadOnlyList<MetricDto>> GetMetricHistoryAsync(string runId, string key, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        ArgumentException.ThrowIfNullOrEmpty(key);
        var metrics = new List<MetricDto>();
        string? pageToken = null;
        do
        {
            var page = await _transport.GetAsync<GetMetricHistoryResponse>(
                MlflowRoutes.MetricsGetHistory,
                [new("run_id", runId), new("run_uuid", runId), new("metric_key", key), new("page_token", pageToken)],
                ct).ConfigureAwait(false);
            metrics.AddRange(page.Metrics);
            pageToken = page.NextPageToken;
        }
        while (!string.IsNullOrEmpty(pageToken));
        return metrics;
    }

    /// <summary>
    /// The files and directories directly under <paramref name="path"/> in a run's artifacts (<c>artifacts/list</c>),
    /// all pages merged; paths are relative to the run's artifact root.
    /// </summary>
    /// <param name="runId">The run.</param>
    /// <param name="path">A directory relative to the artifact root; null for the root.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<ListArtifactsResponse> ListArtifactsAsync(string runId, string? path = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        var files = new List<FileInfoDto>();
        ListArtifactsResponse page;
        string? pageToken = null;
        do
        {
            page = await _transport.GetAsync<ListArtifactsResponse>(
                MlflowRoutes.ArtifactsList,
                [new("run_id", runId), new("run_uuid", runId), new("path", path), new("page_token", pageToken)],
                ct).ConfigureAwait(false);
            files.AddRange(page.Files);
            pageToken = page.NextPageToken;
        }
        while (!string.IsNullOrEmpty(pageToken));
        return page with { Files = files, NextPageToken = null };
    }

    /// <summary>
    /// Creates a run in <paramref name="experimentId"/> and returns a scope that buffers metrics, flushes them in the
    /// background and ends the run when disposed. Unless given in <paramref name="tags"/>, sets MLflow's
    /// <c>mlflow.user</c>, <c>mlflow.source.name</c> and <c>mlflow.source.type</c> tags as MLflow's own client does.
    /// </summary>
    /// <param name="experimentId">The experiment; null means MLflow's default experiment "0".</param>
    /// <param name="runName">Display name; null lets the server pick one.</param>
    /// <param name="tags">Run tags; null for none beyond the defaults above.</param>
    /// <param name="ct">Cancels creating the run (not the scope).</param>
    public async Task<KeelRun> StartRunAsync(
        string? experimentId = null, string? runName = null, IReadOnlyDictionary<string, string>? tags = null, CancellationToken ct = default)
    {
        var allTags = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["mlflow.user"] = Environment.UserName,
            ["mlflow.source.name"] = System.Reflection.Assembly.GetEntryAssembly()?.GetName().Name ?? "dotnet",
            ["mlflow.source.type"] = "LOCAL",
        };
        foreach (var (key, value) in tags ?? new Dictionary<string, string>())
        {
            allTags[key] = value;
        }
        var run = await CreateRunAsync(
            new CreateRunRequest
            {
                ExperimentId = experimentId ?? "0",
                RunName = runName,
                UserId = Environment.UserName,
                Tags = ToKeyValues(allTags),
            },
            ct).ConfigureAwait(false);
        return new KeelRun(this, run.Info);
    }
}
