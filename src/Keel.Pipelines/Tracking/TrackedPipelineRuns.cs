using System.Globalization;
using Keel.Client;
using Keel.Contracts.Mlflow;
using Keel.Core.Pipelines;
using Keel.Pipelines.Execution;

namespace Keel.Pipelines.Tracking;

/// <summary>
/// Records a local pipeline run on an MLflow-compatible tracking server: a parent run in the experiment named after
/// the pipeline (tag <c>keel.pipeline</c>), and per stage a child run (tag <c>mlflow.parentRunId</c>) with the stage's
/// params, the metrics of its metrics files, its log as artifact <c>logs/&lt;stage&gt;.log</c>, and tags
/// <c>keel.stage.duration_ms</c>, <c>keel.stage.decision</c>, <c>keel.stage.state</c>, <c>keel.lock.cmd</c>,
/// <c>keel.lock.dep.&lt;path&gt;</c> and <c>keel.lock.out.&lt;path&gt;</c> (content hashes), so lineage reaches code, data and params.
/// </summary>
/// <param name="client">The tracking server's client.</param>
/// <param name="time">Clock for run start and end times.</param>
/// <param name="user">Recorded as the runs' user; null for the current OS user.</param>
public sealed class TrackedPipelineRuns(KeelClient client, TimeProvider time, string? user = null) : IPipelineRunRecorder
{
    /// <summary>Tag naming the pipeline on the parent and child runs.</summary>
    public const string PipelineTag = "keel.pipeline";

    /// <summary>Tag naming the stage on a child run.</summary>
    public const string StageTag = "keel.stage";

    private readonly string _user = user ?? Environment.UserName;
    private string? _experimentId;
    private string? _parentRunId;
    private string _pipeline = "";

    /// <inheritdoc/>
    public async Task<string> StartAsync(PipelineSpec pipeline, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        _pipeline = pipeline.Name;
        _experimentId = await client.GetOrCreateExperimentAsync(pipeline.Name, ct);
        var run = await client.CreateRunAsync(new CreateRunRequest
        {
            ExperimentId = _experimentId,
            RunName = pipeline.Name,
            UserId = _user,
            StartTime = time.GetUtcNow().ToUnixTimeMilliseconds(),
            Tags = [new KeyValue(PipelineTag, pipeline.Name), new KeyValue("mlflow.user", _user), new KeyValue("mlflow.source.type", "PIPELINE")],
        }, ct);
        _parentRunId = run.Info.RunId;
        return _parentRunId;
    }

    /// <inheritdoc/>
    public async Task RecordStageAsync(StageRecord record, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(record);
        var parent = _parentRunId ?? throw new InvalidOperationException("StartAsync first.");
        var run = await client.CreateRunAsync(new CreateRunRequest
        {
            ExperimentId = _experimentId,
            RunName = record.Stage.Name,
            UserId = _user,
            StartTime = record.StartedAt,
            Tags = [new KeyValue("mlflow.parentRunId", parent), new KeyValue(PipelineTag, _pipeline), new KeyValue(StageTag, record.Stage.Name)],
        }, ct);
        var runId = run.Info.RunId;
        var parameters = record.Params.Select(p => new KeyValue(p.Key, Truncate(p.Value, 6000))).ToArray();
        var metrics = record.Metrics.Select(m => new MetricDto { Key = m.Key, Value = m.Value, Timestamp = record.EndedAt, Step = 0 }).ToArray();
        await client.LogBatchAsync(runId, metrics, parameters, Tags(record), ct);
        if (record.Report.LogPath is { } log && File.Exists(log))
        {
            await UploadLogAsync(runId, record.Stage.Name, log, ct);
        }
        await client.UpdateRunAsync(new UpdateRunRequest { RunId = runId, Status = StatusOf(record.Report.State), EndTime = record.EndedAt }, ct);
    }

    /// <inheritdoc/>
    public async Task EndAsync(bool succeeded, CancellationToken ct)
    {
        if (_parentRunId is { } parent)
        {
            await client.UpdateRunAsync(new UpdateRunRequest
            {
                RunId = parent,
                Status = succeeded ? "FINISHED" : "FAILED",
                EndTime = time.GetUtcNow().ToUnixTimeMilliseconds(),
            }, ct);
        }
    }

    private static List<KeyValue> Tags(StageRecord record)
    {
        var tags = new List<KeyValue>
        {
            new("keel.stage.duration_ms", ((long)record.Report.Duration.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)),
            new("keel.stage.state", record.Report.State.ToString()),
            new("keel.stage.attempts", record.Report.Attempts.ToString(CultureInfo.InvariantCulture)),
        };
        if (record.Decision is { } decision)
        {
            tags.Add(new("keel.stage.decision", decision.Kind.ToString()));
        }
        if (record.Report.Reasons.Count > 0)
        {
            tags.Add(new("keel.stage.reason", Truncate(record.Report.Reason, 5000)));
        }
        if (record.Lock is { } entry)
        {
            tags.Add(new("keel.lock.cmd", Truncate(entry.Cmd, 5000)));
            tags.AddRange(entry.Deps.Select(d => new KeyValue($"keel.lock.dep.{d.Key}", d.Value)));
            tags.AddRange(entry.Outs.Select(o => new KeyValue($"keel.lock.out.{o.Key}", o.Value)));
        }
        return tags;
    }

    private async Task UploadLogAsync(string runId, string stage, string log, CancellationToken ct)
    {
        // The artifact keeps the file's name, so the log is copied under the stage's name first.
        var folder = Directory.CreateTempSubdirectory("keel-stage-log-");
        try
        {
            var named = Path.Combine(folder.FullName, SafeFileName(stage) + ".log");
            File.Copy(log, named);
            await client.UploadArtifactAsync(runId, named, "logs", ct: ct);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static string StatusOf(StageState state) => state switch
    {
        StageState.Failed => "FAILED",
        StageState.Cancelled => "KILLED",
        _ => "FINISHED",
    };

    private static string SafeFileName(string name) => string.Concat(name.Select(c => c is '/' or '\\' ? '_' : c));

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max];
}
