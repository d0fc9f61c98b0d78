using Keel.Core.Common;
using Keel.Core.Tracking.Search;
using static Keel.Core.Tracking.TrackingValidation;

namespace Keel.Core.Tracking;

/// <summary>
/// The rules of experiment tracking, as MLflow defines them; hosts call this, never the store directly.
/// </summary>
public sealed class TrackingService(ITrackingStore store, TimeProvider time)
{
    /// <summary>Artifact root of experiments created without one: served by the artifact proxy.</summary>
    public const string DefaultArtifactRoot = "mlflow-artifacts:/";

    public const string RunNameTag = "mlflow.runName";
    public const string UserTag = "mlflow.user";

    private long Now => time.GetUtcNow().ToUnixTimeMilliseconds();

    // ---- experiments ----

    public async Task<string> CreateExperimentAsync(string? name, string? artifactLocation, IReadOnlyList<Tag>? tags, CancellationToken ct = default)
    {
        Required(name, "name");
        MaxLength(name, TrackingLimits.MaxExperimentNameLength, "name");
        ValidateArtifactLocation(artifactLocation);
        var validTags = ValidateExperimentTags(tags ?? []);
        if (await store.GetExperimentByNameAsync(name!, ct) is not null)
        {
            throw KeelException.AlreadyExists($"Experiment(name={name}) already exists.");
        }
        return await store.CreateExperimentAsync(new NewExperiment(name!, artifactLocation, validTags, Now), DefaultArtifactRoot, ct);
    }

    public async Task<Experiment> GetExperimentAsync(string? experimentId, CancellationToken ct = default)
    {
        Required(experimentId, "experiment_id");
        return await store.GetExperimentAsync(experimentId!, ct)
            ?? throw KeelException.NotFound($"No Experiment with id={experimentId} exists");
    }

    public async Task<Experiment> GetExperimentByNameAsync(string? name, CancellationToken ct = default)
    {
        Required(name, "experiment_name");
        return await store.GetExperimentByNameAsync(name!, ct)
            ?? throw KeelException.NotFound($"Could not find experiment with name '{name}'");
    }

    public Task<Page<Experiment>> SearchExperimentsAsync(
        long? maxResults, string? pageToken, string? filter, IReadOnlyList<string>? orderBy, string? viewType, CancellationToken ct = default)
    {
        var query = new ExperimentQuery(
            SearchFilterParser.ParseExperimentFilter(filter),
            SearchFilterParser.ParseExperimentOrderBy(orderBy),
            ParseViewType(viewType, "view_type"),
            TrackingValidation.MaxResults(maxResults, TrackingLimits.DefaultSearchMaxResults, TrackingLimits.MaxExperimentSearchResults),
            PageToken.DecodeOffset(pageToken));
        return store.SearchExperimentsAsync(query, ct);
    }

    public async Task RenameExperimentAsync(string? experimentId, string? newName, CancellationToken ct = default)
    {
        Required(newName, "new_name");
        MaxLength(newName, TrackingLimits.MaxExperimentNameLength, "new_name");
        var experiment = await GetExperimentAsync(experimentId, ct);
        if (experiment.LifecycleStage != LifecycleStage.Active)
        {
            throw new KeelException(ErrorCode.InvalidState, "Cannot rename a non-active experiment.");
        }
        var existing = await store.GetExperimentByNameAsync(newName!, ct);
        if (existing is not null && existing.ExperimentId != experiment.ExperimentId)
        {
            throw KeelException.AlreadyExists($"Experiment(name={newName}) already exists.");
        }
        await store.RenameExperimentAsync(experiment.ExperimentId, newName!, Now, ct);
    }

    public async Task DeleteExperimentAsync(string? experimentId, CancellationToken ct = default)
    {
        var experiment = await GetExperimentAsync(experimentId, ct);
        if (experiment.ExperimentId == "0")
        {
            throw KeelException.InvalidParameter("Cannot delete the default experiment '0'. This is an internally reserved experiment.");
        }
        await store.SetExperimentLifecycleAsync(experiment.ExperimentId, LifecycleStage.Deleted, Now, ct);
    }

    public async Task RestoreExperimentAsync(string? experimentId, CancellationToken ct = default)
    {
        var experiment = await GetExperimentAsync(experimentId, ct);
        await store.SetExperimentLifecycleAsync(experiment.ExperimentId, LifecycleStage.Active, Now, ct);
    }

    public async Task SetExperimentTagAsync(string? experimentId, string? key, string? value, CancellationToken ct = default)
    {
        Required(key, "key");
        var tag = ValidateExperimentTags([new Tag(key!, value ?? "")])[0];
        var experiment = await GetExperimentAsync(experimentId, ct);
        EnsureActive(experiment);
        await store.SetExperimentTagAsync(experiment.ExperimentId, tag, Now, ct);
    }

    // ---- runs ----

    public async Task<Run> CreateRunAsync(
        string? experimentId, string? userId, string? runName, long? startTime, IReadOnlyList<Tag>? tags, CancellationToken ct = default)
    {
        var experiment = await GetExperimentAsync(string.IsNullOrEmpty(experimentId) ? "0" : experimentId, ct);
        if (experiment.LifecycleStage != LifecycleStage.Active)
        {
            throw new KeelException(ErrorCode.InvalidState,
                $"Could not create run under non-active experiment with id {experiment.ExperimentId}.");
        }
        var runTags = ValidateTags(tags ?? []).ToList();
        var tagName = runTags.FirstOrDefault(t => t.Key == RunNameTag)?.Value;
        if (!string.IsNullOrEmpty(runName) && !string.IsNullOrEmpty(tagName) && runName != tagName)
        {
            throw KeelException.InvalidParameter(
                $"Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values (run_name='{runName}', mlflow.runName='{tagName}').");
        }
        var name = !string.IsNullOrEmpty(runName) ? runName : tagName ?? RunNameGenerator.Next();
        MaxLength(name, TrackingLimits.MaxRunNameLength, "run_name");
        runTags.RemoveAll(t => t.Key == RunNameTag);
        runTags.Add(new Tag(RunNameTag, name));
        var user = string.IsNullOrEmpty(userId) ? runTags.FirstOrDefault(t => t.Key == UserTag)?.Value ?? "unknown" : userId;
        var runId = Guid.NewGuid().ToString("N");
        var artifactUri = $"{experiment.ArtifactLocation.TrimEnd('/')}/{runId}/artifacts";
        return await store.CreateRunAsync(
            new NewRun(runId, experiment.ExperimentId, user, name, startTime ?? Now, artifactUri, runTags), ct);
    }

    public async Task<Run> GetRunAsync(string? runId, CancellationToken ct = default)
    {
        Required(runId, "run_id");
        return await store.GetRunAsync(runId!, ct) ?? throw RunNotFound(runId!);
    }

    public async Task<RunInfo> GetRunInfoAsync(string? runId, CancellationToken ct = default)
    {
        Required(runId, "run_id");
        return await store.GetRunInfoAsync(runId!, ct) ?? throw RunNotFound(runId!);
    }

    public async Task<RunInfo> UpdateRunAsync(string? runId, string? status, long? endTime, string? runName, CancellationToken ct = default)
    {
        RunStatus? parsed = string.IsNullOrEmpty(status) ? null : ParseStatus(status);
        MaxLength(runName, TrackingLimits.MaxRunNameLength, "run_name");
        var run = await GetActiveRunInfoAsync(runId, ct);
        return await store.UpdateRunAsync(run.RunId, parsed, endTime, string.IsNullOrEmpty(runName) ? null : runName, ct);
    }

    public async Task DeleteRunAsync(string? runId, CancellationToken ct = default)
    {
        var run = await GetRunInfoAsync(runId, ct);
        await store.SetRunLifecycleAsync(run.RunId, LifecycleStage.Deleted, Now, ct);
    }

    public async Task RestoreRunAsync(string? runId, CancellationToken ct = default)
    {
        var run = await GetRunInfoAsync(runId, ct);
        await store.SetRunLifecycleAsync(run.RunId, LifecycleStage.Active, Now, ct);
    }

    public async Task<Page<Run>> SearchRunsAsync(
        IReadOnlyList<string>? experimentIds, string? filter, string? viewType, long? maxResults,
        IReadOnlyList<string>? orderBy, string? pageToken, CancellationToken ct = default)
    {
        var ids = experimentIds ?? [];
        foreach (var id in ids)
        {
            ParseExperimentId(id, "experiment_ids");
        }
        var query = new RunQuery(
            ids,
            SearchFilterParser.ParseRunFilter(filter),
            SearchFilterParser.ParseRunOrderBy(orderBy),
            ParseViewType(viewType, "run_view_type"),
            TrackingValidation.MaxResults(maxResults, TrackingLimits.DefaultSearchMaxResults, TrackingLimits.MaxSearchResults),
            PageToken.DecodeOffset(pageToken));
        return await store.SearchRunsAsync(query, ct);
    }

    public Task LogMetricAsync(string? runId, string? key, double? value, long? timestamp, long? step, CancellationToken ct = default)
    {
        Required(key, "key");
        var metric = new Metric(key!, Required(value, "value"), Required(timestamp, "timestamp"), step ?? 0);
        return LogBatchAsync(runId, [metric], [], [], ct);
    }

    public Task LogParamAsync(string? runId, string? key, string? value, CancellationToken ct = default)
    {
        Required(key, "key");
        return LogBatchAsync(runId, [], [new Param(key!, value ?? "")], [], ct);
    }

    public Task SetTagAsync(string? runId, string? key, string? value, CancellationToken ct = default)
    {
        Required(key, "key");
        return LogBatchAsync(runId, [], [], [new Tag(key!, value ?? "")], ct);
    }

    public async Task LogBatchAsync(
        string? runId, IReadOnlyList<Metric> metrics, IReadOnlyList<Param> parameters, IReadOnlyList<Tag> tags, CancellationToken ct = default)
    {
        Required(runId, "run_id");
        BatchLimits(metrics.Count, parameters.Count, tags.Count);
        foreach (var metric in metrics)
        {
            EntityKey(metric.Key, "Metric");
        }
        foreach (var param in parameters)
        {
            EntityKey(param.Key, "Param");
            MaxLength(param.Value, TrackingLimits.MaxParamValueLength, $"params[{param.Key}].value");
        }
        ValidateTags(tags);
        var duplicates = parameters.GroupBy(p => p.Key).FirstOrDefault(g => g.Select(p => p.Value).Distinct().Count() > 1);
        if (duplicates is not null)
        {
            throw KeelException.InvalidParameter(
                $"Duplicate parameter keys have been submitted: '{duplicates.Key}' with different values. Please ensure the request contains only one value per param key.");
        }
        var run = await GetActiveRunInfoAsync(runId, ct);
        await store.LogBatchAsync(run.RunId, metrics, parameters.DistinctBy(p => p.Key).ToArray(), tags, ct);
    }

    public async Task DeleteTagAsync(string? runId, string? key, CancellationToken ct = default)
    {
        Required(key, "key");
        var run = await GetActiveRunInfoAsync(runId, ct);
        await store.DeleteTagAsync(run.RunId, key!, ct);
    }

    public async Task LogInputsAsync(string? runId, IReadOnlyList<DatasetInput> inputs, CancellationToken ct = default)
    {
        for (var i = 0; i < inputs.Count; i++)
        {
            var d = inputs[i].Dataset;
            var field = $"datasets[{i}].dataset";
            Required(d.Name, $"{field}.name");
            Required(d.Digest, $"{field}.digest");
            Required(d.SourceType, $"{field}.source_type");
            Required(d.Source, $"{field}.source");
            MaxLength(d.Name, TrackingLimits.MaxDatasetNameLength, $"{field}.name");
            MaxLength(d.Digest, TrackingLimits.MaxDatasetDigestLength, $"{field}.digest");
            MaxLength(d.Source, TrackingLimits.MaxDatasetSourceLength, $"{field}.source");
            MaxLength(d.Schema, TrackingLimits.MaxDatasetSchemaLength, $"{field}.schema");
            MaxLength(d.Profile, TrackingLimits.MaxDatasetProfileLength, $"{field}.profile");
            foreach (var tag in inputs[i].Tags)
            {
                Required(tag.Key, $"datasets[{i}].tags.key");
                MaxLength(tag.Key, TrackingLimits.MaxInputTagKeyLength, $"datasets[{i}].tags.key");
                MaxLength(tag.Value, TrackingLimits.MaxInputTagValueLength, $"datasets[{i}].tags.value");
            }
        }
        var run = await GetActiveRunInfoAsync(runId, ct);
        await store.LogInputsAsync(run.RunId, inputs, ct);
    }

    public async Task<Page<Metric>> GetMetricHistoryAsync(string? runId, string? key, long? maxResults, string? pageToken, CancellationToken ct = default)
    {
        Required(key, "metric_key");
        var run = await GetRunInfoAsync(runId, ct);
        var limit = TrackingValidation.MaxResults(maxResults, int.MaxValue, int.MaxValue);
        return await store.GetMetricHistoryAsync(run.RunId, key!, limit, PageToken.DecodeOffset(pageToken), ct);
    }

    // ---- rules ----

    private static void BatchLimits(int metrics, int parameters, int tags)
    {
        static void Check(int count, int limit, string what)
        {
            if (count > limit)
            {
                throw KeelException.InvalidParameter(
                    $"A batch logging request can contain at most {limit} {what}. Got {count} {what}. Please split up {what} across multiple requests and try again.");
            }
        }
        Check(metrics, TrackingLimits.MaxMetricsPerBatch, "metrics");
        Check(parameters, TrackingLimits.MaxParamsPerBatch, "params");
        Check(tags, TrackingLimits.MaxTagsPerBatch, "tags");
        var total = metrics + parameters + tags;
        if (total > TrackingLimits.MaxEntitiesPerBatch)
        {
            throw KeelException.InvalidParameter(
                $"A batch logging request can contain at most {TrackingLimits.MaxEntitiesPerBatch} metrics, params, and tags in total. Got {total} in total.");
        }
    }

    private static IReadOnlyList<Tag> ValidateTags(IReadOnlyList<Tag> tags)
    {
        foreach (var tag in tags)
        {
            EntityKey(tag.Key, "Tag");
            MaxLength(tag.Value, TrackingLimits.MaxTagValueLength, $"tags[{tag.Key}].value");
        }
        return tags;
    }

    private static IReadOnlyList<Tag> ValidateExperimentTags(IReadOnlyList<Tag> tags)
    {
        foreach (var tag in tags)
        {
            Required(tag.Key, "tags.key");
            EntityKey(tag.Key, "Tag");
            MaxLength(tag.Value, TrackingLimits.MaxExperimentTagValueLength, $"tags[{tag.Key}].value");
        }
        return tags;
    }

    // Artifacts live in Keel's own store: a client may not point an experiment at server paths or other hosts.
    private static void ValidateArtifactLocation(string? location)
    {
        if (string.IsNullOrEmpty(location))
        {
            return;
        }
        if (!location.StartsWith(DefaultArtifactRoot, StringComparison.Ordinal)
            || location.Contains("..", StringComparison.Ordinal)
            || location.IndexOfAny(['?', '#', '\\', '%']) >= 0)
        {
            throw KeelException.InvalidParameter(
                $"Invalid value '{location}' for parameter 'artifact_location': Keel stores artifacts itself; use a '{DefaultArtifactRoot}<path>' URI without '..', '?', '#', '%' or backslashes, or leave it empty.");
        }
    }

    private static void EnsureActive(Experiment experiment)
    {
        if (experiment.LifecycleStage != LifecycleStage.Active)
        {
            throw new KeelException(ErrorCode.InvalidState,
                $"The experiment {experiment.ExperimentId} must be in the 'active' state. Current state is {experiment.LifecycleStage}.");
        }
    }

    private async Task<RunInfo> GetActiveRunInfoAsync(string? runId, CancellationToken ct)
    {
        var run = await GetRunInfoAsync(runId, ct);
        if (run.LifecycleStage != LifecycleStage.Active)
        {
            throw KeelException.InvalidParameter(
                $"The run {run.RunId} must be in the 'active' state. Current state is {run.LifecycleStage}.");
        }
        return run;
    }

    private static KeelException RunNotFound(string runId) => KeelException.NotFound($"Run with id={runId} not found");
}
