using System.Globalization;
using Keel.Cli.Commands;
using Keel.Cli.Output;
using Keel.Client;
using Keel.Contracts.KeelApi;
using Keel.Core.Pipelines;
using Keel.Core.Registry;

namespace Keel.Cli.Quickstart.Retraining;

/// <summary>The retraining pipeline as registered: its name and the labelled data it will train on.</summary>
/// <param name="Pipeline">The pipeline's name.</param>
/// <param name="DatasetVersion">The dataset version holding the labelled production rows.</param>
/// <param name="LabelledRows">How many production rows came back labelled.</param>
/// <param name="ChampionVersion">The champion the retraining challenges.</param>
/// <param name="RegisteredAt">When the pipeline was registered (ms since the epoch): runs triggered since belong to this quickstart.</param>
internal sealed record RetrainingSetup(string Pipeline, long DatasetVersion, int LabelledRows, long ChampionVersion, long RegisteredAt);

/// <summary>One moment of the continuous-training loop, for the timeline the quickstart prints.</summary>
internal sealed record LoopStep(DateTimeOffset At, string What);

/// <summary>How the loop ended: the pipeline run (null when none was triggered), the champion before and after, what serving answered.</summary>
internal sealed record RetrainingOutcome(
    RetrainingSetup Setup, PipelineRunDto? Run, long ChampionBefore, long ChampionAfter, string ValidationStatus, ServedAnswer? ServedAfter,
    IReadOnlyList<LoopStep> Timeline);

/// <summary>
/// Closes the loop the way a team would run it: the drifted rows come back labelled (a new version of the dataset), a
/// retraining pipeline is registered with a trigger on the drift monitor, and once the monitor alerts the server runs it:
/// prepare → train → evaluate and validate → promote. The quickstart then follows the run, and waits for the served
/// champion to answer from the promoted version.
/// </summary>
internal static class QuickstartRetraining
{
    private static readonly TimeSpan TriggerWait = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan RunWait = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan ReloadWait = TimeSpan.FromSeconds(20);

    public static async Task<RetrainingSetup> RegisterAsync(
        KeelClient client, Champion champion, SweepSetting setting, BreastCancerDataset dataset, BreastCancerTrainer trainer, string monitor,
        string workDirectory, TimeProvider time, CancellationToken ct)
    {
        var labelled = await LabelledProductionData.WriteAsync(dataset, trainer, Path.Combine(workDirectory, "datasets-labelled"), ct);
        var versioned = await QuickstartData.VersionAsync(client, await BreastCancerDataset.ReadAsync(labelled.Path, ct), time, ct);

        var folder = RetrainPipelineFiles.Write(Path.Combine(workDirectory, "retrain-pipeline"), champion.ModelName, monitor, setting, champion.Version);
        var yaml = await File.ReadAllTextAsync(Path.Combine(folder, "keel.yaml"), ct);
        var parameters = await File.ReadAllTextAsync(Path.Combine(folder, "params.yaml"), ct);
        var loaded = PipelineLoader.Load(yaml, parameters, [], "keel.yaml", RetrainPipelineFiles.PipelineName(champion.ModelName));
        var archive = await PipelinesWorkspace.PackAsync(folder, loaded.Spec, ct);
        try
        {
            var upload = await client.UploadPipelineWorkspaceAsync(loaded.Spec.Name, archive, ct);
            await client.RegisterPipelineAsync(yaml, parameters, upload.Workspace, loaded.Spec.Name, ct);
        }
        finally
        {
            File.Delete(archive);
        }

        return new RetrainingSetup(loaded.Spec.Name, versioned.Version, labelled.AddedRows, champion.Version, time.GetUtcNow().ToUnixTimeMilliseconds());
    }

    /// <summary>Waits for the run the alert triggered, then for serving to pick up the new champion.</summary>
    public static async Task<RetrainingOutcome> FollowAsync(
        KeelClient client, RetrainingSetup setup, Champion champion, ServedChampion served, MonitorOutcome monitoring, TimeProvider time, CancellationToken ct)
    {
        var timeline = new List<LoopStep>();
        var run = await WaitForTriggeredRunAsync(client, setup, time, ct);
        if (run is null)
        {
            timeline.Add(new LoopStep(time.GetUtcNow(),
                $"monitor '{monitoring.Monitor}' alerted, but no run of pipeline '{setup.Pipeline}' was triggered within {TriggerWait.TotalSeconds:0} s"));
            return new RetrainingOutcome(setup, null, champion.Version, champion.Version, "", null, timeline);
        }

        timeline.Add(new LoopStep(DateTimeOffset.FromUnixTimeMilliseconds(run.CreatedAt), $"alert of {run.TriggerDetail}"));
        timeline.Add(new LoopStep(DateTimeOffset.FromUnixTimeMilliseconds(run.CreatedAt), $"  → pipeline '{setup.Pipeline}' run {Short(run.Id)} triggered"));
        run = await WaitForEndAsync(client, run.Id!, time, ct);
        foreach (var stage in run.Stages ?? [])
        {
            var attempt = stage.Attempts?.LastOrDefault();
            var at = attempt?.EndedAt ?? attempt?.StartedAt ?? run.EndedAt ?? run.CreatedAt;
            var took = attempt is { EndedAt: { } end } ? $" in {Format.Duration(TimeSpan.FromMilliseconds(end - attempt.StartedAt))}" : "";
            var why = string.IsNullOrEmpty(stage.Message) ? "" : $": {stage.Message}";
            timeline.Add(new LoopStep(DateTimeOffset.FromUnixTimeMilliseconds(at), $"  stage {stage.Stage} {stage.Status?.ToLowerInvariant()}{took}{why}"));
        }

        var candidate = await CandidateVersionAsync(client, champion.ModelName, setup.ChampionVersion, ct);
        var validation = candidate?.Tags?.FirstOrDefault(t => t.Key == ValidationTags.Status)?.Value ?? "";
        if (candidate is not null && validation.Length > 0)
        {
            var validatedAt = candidate.Tags!.FirstOrDefault(t => t.Key == ValidationTags.Time)?.Value;
            var at = long.TryParse(validatedAt, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : time.GetUtcNow();
            timeline.Add(new LoopStep(at, $"gate: version {candidate.Version} {validation} validation against version {setup.ChampionVersion}"));
        }

        var after = await client.GetModelVersionByAliasAsync(champion.ModelName, ChampionModel.Alias, ct);
        var championAfter = long.Parse(after.Version, CultureInfo.InvariantCulture);
        var move = (await client.GetAliasHistoryAsync(champion.ModelName, ChampionModel.Alias, ct))
            .Where(m => m.NewVersion == championAfter && m.Timestamp >= run.CreatedAt).MaxBy(m => m.Timestamp);
        ServedAnswer? servedAfter = null;
        if (move is not null && championAfter != champion.Version)
        {
            timeline.Add(new LoopStep(DateTimeOffset.FromUnixTimeMilliseconds(move.Timestamp),
                $"alias '{ChampionModel.Alias}' moved {move.PreviousVersion} → {move.NewVersion} by {move.User} ({move.Kind}: {move.Reason})"));
            servedAfter = await served.WaitForVersionAsync(championAfter, ReloadWait, time, ct);
            timeline.Add(new LoopStep(time.GetUtcNow(), $"serving answered from {servedAfter.AnsweredBy} (hot reload)"));
        }
        else
        {
            timeline.Add(new LoopStep(time.GetUtcNow(), $"alias '{ChampionModel.Alias}' stays on version {championAfter}"));
        }

        return new RetrainingOutcome(setup, run, champion.Version, championAfter, validation, servedAfter, timeline);
    }

    // The first run the monitor triggered since the pipeline was registered: it does the retraining. (A monitor window that
    // still holds an earlier quickstart's drifted traffic alerts on the normal traffic too; that alert starts the run.)
    private static async Task<PipelineRunDto?> WaitForTriggeredRunAsync(KeelClient client, RetrainingSetup setup, TimeProvider time, CancellationToken ct)
    {
        var deadline = time.GetUtcNow() + TriggerWait;
        while (true)
        {
            var runs = await client.ListPipelineRunsAsync(setup.Pipeline, 10, ct);
            var triggered = runs.Runs?.Where(r => r.Trigger == nameof(PipelineRunTrigger.MonitorAlert) && r.CreatedAt >= setup.RegisteredAt)
                .MinBy(r => r.CreatedAt);
            if (triggered is not null || time.GetUtcNow() > deadline)
            {
                return triggered;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), time, ct);
        }
    }

    private static async Task<PipelineRunDto> WaitForEndAsync(KeelClient client, string runId, TimeProvider time, CancellationToken ct)
    {
        var deadline = time.GetUtcNow() + RunWait;
        while (true)
        {
            var run = await client.GetPipelineRunAsync(runId, ct);
            if (run.Status is nameof(PipelineRunStatus.Succeeded) or nameof(PipelineRunStatus.Failed))
            {
                return run;
            }

            if (time.GetUtcNow() > deadline)
            {
                throw new CliException($"pipeline run {runId} did not finish within {RunWait.TotalMinutes:0} minutes (status {run.Status}); see `keel pipelines runs`");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), time, ct);
        }
    }

    private static async Task<Contracts.Mlflow.ModelVersionDto?> CandidateVersionAsync(KeelClient client, string model, long championBefore, CancellationToken ct)
    {
        var versions = await client.SearchModelVersionsAsync($"name='{model}'", ct: ct);
        return versions.ModelVersions?
            .Where(v => long.Parse(v.Version, CultureInfo.InvariantCulture) > championBefore)
            .MaxBy(v => long.Parse(v.Version, CultureInfo.InvariantCulture));
    }

    private static string Short(string? id) => id is null ? "?" : id[..Math.Min(8, id.Length)];
}
