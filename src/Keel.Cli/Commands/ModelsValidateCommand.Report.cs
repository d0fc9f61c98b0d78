using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Keel.Cli.Output;
using Keel.Client;
using Keel.Contracts.Mlflow;
using Keel.Core.Data.Validation;
using Keel.Core.Monitoring.Statistics;
using Keel.Core.Registry;
using Keel.Core.Registry.Gates;
using Keel.Models.Validation;

namespace Keel.Cli.Commands;

// The report: JSON (report.json, --output json), text (report.txt, the terminal), importance.json; and recording them.
internal static partial class ModelsValidateCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>One validation: what was compared, on what, what was measured and how the gates came out.</summary>
    private sealed record ValidationRun(
        ModelVersionDto Version, ModelVersionDto? Champion, string Data, string LabelColumn, string RulesFile,
        ModelValidationResult Measured, GateReport Report, ValidationReport? DataReport, DateTimeOffset At)
    {
        public string Status => Report.Passed ? ValidationTags.Passed : ValidationTags.Failed;

        /// <summary>Where the artifacts go in the version's run: <c>validations/v7/20250101T120000123Z</c>.</summary>
        public string Folder => string.Create(CultureInfo.InvariantCulture, $"validations/v{Version.Version}/{At.UtcDateTime:yyyyMMdd'T'HHmmssfff'Z'}");

        public string? RecordedIn { get; set; }
    }

    private static async Task RecordAsync(KeelClient client, ValidationRun run, string scratch, CancellationToken ct)
    {
        var version = long.Parse(run.Version.Version, CultureInfo.InvariantCulture);
        string reportPath = "", importancePath = "";
        if (run.Version.RunId is { } runId)
        {
            run.RecordedIn = run.Folder;
            var folder = Directory.CreateDirectory(Path.Combine(scratch, "record")).FullName;
            await File.WriteAllTextAsync(Path.Combine(folder, "report.json"), Json(run).ToJsonString(Indented), ct);
            await File.WriteAllTextAsync(Path.Combine(folder, "report.txt"), Text(run), ct);
            await File.WriteAllTextAsync(Path.Combine(folder, "importance.json"), Importance(run.Measured.Importance).ToJsonString(Indented), ct);
            await client.UploadArtifactsAsync(runId, folder, run.Folder, ct: ct);
            (reportPath, importancePath) = ($"{run.Folder}/report.json", $"{run.Folder}/importance.json");
        }
        var name = run.Version.Name;
        await client.SetModelVersionTagAsync(name, version, ValidationTags.Report, reportPath, ct);
        await client.SetModelVersionTagAsync(name, version, ValidationTags.Importance, importancePath, ct);
        await client.SetModelVersionTagAsync(name, version, ValidationTags.Against, run.Champion?.Version ?? "", ct);
        await client.SetModelVersionTagAsync(name, version, ValidationTags.Data, run.Data, ct);
        await client.SetModelVersionTagAsync(name, version, ValidationTags.Time, run.At.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), ct);
        // Last, so a reader that sees the new status also sees the report it belongs to.
        await client.SetModelVersionTagAsync(name, version, ValidationTags.Status, run.Status, ct);
    }

    private static void Write(CliOutput output, ValidationRun run)
    {
        if (output.IsJson)
        {
            output.WriteJson(Json(run));
            return;
        }
        foreach (var line in Text(run).TrimEnd('\n').Split('\n'))
        {
            output.Line(line);
        }
    }

    private static JsonObject Json(ValidationRun run)
    {
        var measured = run.Measured;
        return new JsonObject
        {
            ["model"] = run.Version.Name,
            ["version"] = run.Version.Version,
            ["status"] = run.Status,
            ["against"] = run.Champion?.Version,
            ["data"] = run.Data,
            ["rules"] = run.RulesFile,
            ["time"] = run.At.ToUnixTimeMilliseconds(),
            ["label_column"] = run.LabelColumn,
            ["task"] = measured.Task == TaskKind.Regression ? "regression" : "classification",
            ["rows"] = measured.Rows,
            ["rows_skipped"] = measured.RowsSkipped,
            ["skipped_examples"] = new JsonArray([.. measured.FirstSkipReasons.Select(r => (JsonNode)r)]),
            ["prediction_output"] = measured.PredictionOutput,
            ["score_output"] = measured.ScoreOutput,
            ["positive_label"] = measured.PositiveLabel,
            ["gates"] = new JsonArray([.. run.Report.Checks.Select(c => (JsonNode)new JsonObject
            {
                ["kind"] = c.Kind,
                ["subject"] = c.Subject,
                ["outcome"] = Outcome(c.Outcome),
                ["observed"] = Number(c.Observed),
                ["threshold"] = Number(c.Threshold),
                ["detail"] = c.Detail,
            })]),
            ["metrics"] = new JsonObject { ["candidate"] = Metrics(measured.Candidate), ["champion"] = measured.Champion is null ? null : Metrics(measured.Champion) },
            ["latency"] = new JsonObject { ["ms_per_row"] = Number(measured.MsPerRow) },
            ["fairness"] = measured.Fairness is not { } fairness ? null : new JsonObject
            {
                ["column"] = fairness.Column,
                ["metric"] = fairness.Metric,
                ["gap"] = Number(fairness.Gap),
                ["groups"] = new JsonArray([.. fairness.Groups.Select(g => (JsonNode)new JsonObject { ["group"] = g.Group, ["rows"] = g.Rows, ["value"] = Number(g.Value) })]),
            },
            ["data_checks"] = run.DataReport is not { } data ? null : new JsonArray([.. data.Checks.Select(c => (JsonNode)new JsonObject
            {
                ["rule"] = c.Rule,
                ["column"] = c.Column,
                ["passed"] = c.Passed,
                ["expected"] = c.Expected,
                ["observed"] = c.Observed,
            })]),
            ["importance"] = Importance(measured.Importance),
            ["artifacts"] = run.RecordedIn is not { } folder ? null : new JsonObject
            {
                ["report"] = $"{folder}/report.json",
                ["text"] = $"{folder}/report.txt",
                ["importance"] = $"{folder}/importance.json",
            },
        };
    }

    private static JsonObject Importance(ImportanceResult importance) => new()
    {
        ["metric"] = importance.Metric,
        ["repeats"] = importance.Repeats,
        ["seed"] = importance.Seed,
        ["baseline"] = Number(importance.Baseline),
        ["features"] = new JsonArray([.. importance.Features.Select(f => (JsonNode)new JsonObject
        {
            ["feature"] = f.Feature,
            ["mean"] = Number(f.Mean),
            ["std"] = Number(f.Std),
            ["repeats"] = new JsonArray([.. f.Repeats.Select(r => Number(r))]),
        })]),
    };

    private static JsonObject Metrics(IReadOnlyDictionary<string, double> metrics)
    {
        var order = GateMetrics.Classification.Concat(GateMetrics.Regression).ToList();
        var json = new JsonObject();
        foreach (var (key, value) in metrics.OrderBy(m => order.IndexOf(m.Key)))
        {
            json[key] = Number(value);
        }
        return json;
    }

    // JSON has no NaN: an undefined number is null.
    private static JsonValue? Number(double? value) => value is { } v && double.IsFinite(v) ? JsonValue.Create(v) : null;

    private static string Outcome(GateOutcome outcome) => outcome switch
    {
        GateOutcome.Passed => "passed",
        GateOutcome.Failed => "failed",
        _ => "skipped",
    };

    private static string Text(ValidationRun run)
    {
        var measured = run.Measured;
        var text = new StringBuilder();
        var against = run.Champion is { } champion ? $"against version {champion.Version}" : "without a champion";
        text.Append(CultureInfo.InvariantCulture,
            $"Validation of {run.Version.Name} version {run.Version.Version} {against} on {run.Data} (label '{run.LabelColumn}', {measured.Rows} rows");
        text.Append(measured.RowsSkipped > 0 ? string.Create(CultureInfo.InvariantCulture, $", {measured.RowsSkipped} skipped)\n") : ")\n");
        foreach (var reason in measured.FirstSkipReasons)
        {
            text.Append("  skipped ").Append(reason).Append('\n');
        }
        text.Append('\n');
        if (run.Report.Checks.Count == 0)
        {
            text.Append("No gates in the rules file.\n");
        }
        var width = run.Report.Checks.Count == 0 ? 0 : run.Report.Checks.Max(c => c.Kind.Length + c.Subject.Length + 1);
        foreach (var check in run.Report.Checks)
        {
            var label = check.Outcome switch { GateOutcome.Passed => "PASS", GateOutcome.Failed => "FAIL", _ => "SKIP" };
            text.Append(CultureInfo.InvariantCulture, $"{label}  {$"{check.Kind} {check.Subject}".PadRight(width)}  {check.Detail}\n");
        }

        text.Append("\nMetrics").Append(run.Champion is null ? "\n" : "  (candidate / champion)\n");
        foreach (var (metric, value) in measured.Candidate.OrderBy(m => GateMetrics.Classification.Concat(GateMetrics.Regression).ToList().IndexOf(m.Key)))
        {
            text.Append(CultureInfo.InvariantCulture, $"  {metric,-10} {Show(value)}");
            text.Append(measured.Champion is null ? "\n" : $" / {(measured.Champion.TryGetValue(metric, out var c) ? Show(c) : "-")}\n");
        }
        text.Append(CultureInfo.InvariantCulture, $"Latency: {Show(measured.MsPerRow)} ms per row\n");
        if (measured.Fairness is { } fairness)
        {
            text.Append(CultureInfo.InvariantCulture, $"Fairness ({fairness.Metric} by {fairness.Column}): ");
            text.AppendJoin(", ", fairness.Groups.Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Group} {Show(g.Value)} ({g.Rows} rows)")));
            text.Append(CultureInfo.InvariantCulture, $"; gap {Show(fairness.Gap)}\n");
        }
        var importance = measured.Importance;
        text.Append(CultureInfo.InvariantCulture,
            $"Permutation importance ({importance.Metric} drop, {importance.Repeats} repeats, seed {importance.Seed}; baseline {Show(importance.Baseline)}):\n");
        var featureWidth = importance.Features.Count == 0 ? 0 : importance.Features.Max(f => f.Feature.Length);
        foreach (var feature in importance.Features)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {feature.Feature.PadRight(featureWidth)}  {Show(feature.Mean)} ± {Show(feature.Std)}\n");
        }
        text.Append('\n').Append(run.Report.Passed
            ? string.Create(CultureInfo.InvariantCulture, $"PASSED: {run.Report.Checks.Count(c => c.Outcome == GateOutcome.Passed)} gate(s) passed, {run.Report.Checks.Count(c => c.Outcome == GateOutcome.Skipped)} skipped.\n")
            : string.Create(CultureInfo.InvariantCulture, $"FAILED: {run.Report.FailedCount} of {run.Report.Checks.Count} gate(s) failed.\n"));
        if (run.RecordedIn is { } folder)
        {
            text.Append(CultureInfo.InvariantCulture, $"Recorded in run {run.Version.RunId}: {folder}/report.json, report.txt, importance.json\n");
        }
        return text.ToString();
    }

    private static string Show(double value) => double.IsNaN(value) ? "undefined" : value.ToString("0.####", CultureInfo.InvariantCulture);
}
