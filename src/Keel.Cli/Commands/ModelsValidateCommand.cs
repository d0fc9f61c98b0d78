using System.CommandLine;
using System.Globalization;
using Keel.Client;
using Keel.Client.Models;
using Keel.Contracts.Mlflow;
using Keel.Core.Data.Validation;
using Keel.Core.Registry;
using Keel.Core.Registry.Gates;
using Keel.Data.Validation;
using Keel.Models.Packages;
using Keel.Models.Validation;

namespace Keel.Cli.Commands;

/// <summary>
/// <c>keel models validate models:/churn/7 --against @champion --data churn-test@3 --rules gates.yaml</c>: scores the
/// candidate and the champion on the same held-out rows, applies the gates file (<see cref="GateRulesYaml"/>), computes
/// the candidate's permutation importance, prints the report, and records it on the version (artifacts under
/// <c>validations/v&lt;version&gt;/&lt;time&gt;/</c> of its run, and the <see cref="ValidationTags"/>). Exit 0 when every
/// gate passed, <see cref="GateFailedExitCode"/> when one failed, 1 or 2 for bad input.
/// </summary>
internal static partial class ModelsValidateCommand
{
    /// <summary>The exit code when the validation ran and a gate failed (not a usage or input error).</summary>
    public const int GateFailedExitCode = 3;

    private const string DefaultAgainst = "@champion";

    public static Command Create(ClientOptions options, CliHost host)
    {
        var candidate = new Argument<string>("model-uri") { Description = "The candidate version: models:/<name>/<version> or models:/<name>@<alias>" };
        var against = new Option<string?>("--against")
        {
            Description = $"The champion: an alias of the same model (champion or @champion), or a models:/ URI; an alias not set yet means no champion (regression gates skipped) [default: {DefaultAgainst}]",
        };
        var data = new Option<string>("--data", "-d") { Description = "Held-out data: a registered dataset version <name>@<version>, or a local .csv/.parquet file or folder", Required = true };
        var rules = new Option<string>("--rules", "-r") { Description = "The gates file (YAML; see docs/gates.md)", Required = true };
        var label = new Option<string?>("--label-column") { Description = "The label column [default: the rules' label:, else the model signature's output name when the data has it]" };
        var noRecord = new Option<bool>("--no-record") { Description = "Only print the report: upload nothing and set no tag" };
        var command = new Command("validate", "Gate a model version: score it and the champion on held-out data, apply the rules, record the report and a pass/fail tag")
        {
            candidate, against, data, rules, label, noRecord,
        };
        options.SetAction(command, host, async (call, ct) =>
        {
            var rulesText = call.Parse.GetRequiredValue(rules);
            var rulesPath = Path.GetFullPath(rulesText, host.WorkingDirectory);
            if (!File.Exists(rulesPath))
            {
                throw new CliException($"rules file not found: {rulesPath}");
            }
            var gates = GateRulesYaml.Parse(await File.ReadAllTextAsync(rulesPath, ct), rulesText);
            var expectations = gates.Data is { } dataRule ? await ReadExpectationsAsync(rulesPath, dataRule, ct) : null;

            var candidateUri = ModelUri.RequireRegistry(call.Parse.GetRequiredValue(candidate).Trim());
            var resolved = await call.Client.ResolveModelUriAsync(candidateUri, ct);
            var name = resolved.ModelName!;
            var version = await call.Client.GetModelVersionAsync(name, resolved.Version!.Value, ct);
            var champion = await ResolveChampionAsync(call.Client, name, call.Parse.GetValue(against) ?? DefaultAgainst, ct);

            var scratch = Directory.CreateTempSubdirectory("keel-validate-");
            try
            {
                var input = await FetchDataAsync(call.Client, call.Parse.GetRequiredValue(data), host, scratch.FullName, ct);
                using var candidateModel = await call.Client.LoadModelAsync(candidateUri, ct);
                using var championModel = champion is null ? null : await call.Client.LoadModelAsync(ModelUriOf(champion), ct);
                var table = await ValidationTable.LoadAsync(input.Files, ct);
                var labelColumn = LabelColumn(call.Parse.GetValue(label), gates, candidateModel, table);
                var dataReport = expectations is null ? null : await ValidateDataAsync(input.Files, expectations, ct);
                var measured = ModelValidator.Run(candidateModel, championModel, table, new ValidationOptions
                {
                    LabelColumn = labelColumn,
                    Task = gates.Task,
                    PredictionOutput = gates.PredictionOutput,
                    ScoreOutput = gates.ScoreOutput,
                    PositiveLabel = gates.PositiveLabel,
                    Fairness = gates.Fairness,
                    Importance = gates.Importance,
                    Time = host.Time,
                }, ct);
                var report = GateEvaluator.Evaluate(gates, new GateObservations(measured.Candidate, measured.Champion, measured.MsPerRow, measured.Fairness, dataReport));
                var validation = new ValidationRun(version, champion, input.Description, labelColumn, rulesText, measured, report, dataReport, host.Time.GetUtcNow());
                if (!call.Parse.GetValue(noRecord))
                {
                    await RecordAsync(call.Client, validation, scratch.FullName, ct);
                }
                Write(call.Output, validation);
                if (!report.Passed)
                {
                    throw new CliException(
                        $"validation of {name} version {version.Version} failed: {report.FailedCount} gate(s) did not pass", GateFailedExitCode);
                }
            }
            finally
            {
                scratch.Delete(recursive: true);
            }
        });
        return command;
    }

    private static string ModelUriOf(ModelVersionDto version) => $"models:/{version.Name}/{version.Version}";

    /// <summary>The champion version; null when <paramref name="against"/> names an alias the model does not have yet.</summary>
    private static async Task<ModelVersionDto?> ResolveChampionAsync(KeelClient client, string name, string against, CancellationToken ct)
    {
        var text = against.Trim();
        // A bare name is an alias too: the command line reads a leading '@' as a response file unless it is quoted past the parser.
        if (text.StartsWith('@') || !text.Contains(":/", StringComparison.Ordinal))
        {
            var alias = text.TrimStart('@');
            if (alias.Length == 0)
            {
                throw new CliException("--against '@': expected @<alias>, e.g. @champion", ExitCodes.Usage);
            }
            var model = await client.GetRegisteredModelAsync(name, ct);
            var holder = model.Aliases.FirstOrDefault(a => a.Alias == alias);
            return holder is null ? null : await client.GetModelVersionAsync(name, long.Parse(holder.Version, CultureInfo.InvariantCulture), ct);
        }
        var uri = ModelUri.RequireRegistry(text);
        var resolved = await client.ResolveModelUriAsync(uri, ct);
        return await client.GetModelVersionAsync(resolved.ModelName!, resolved.Version!.Value, ct);
    }

    private static string LabelColumn(string? flag, GateRules rules, LoadedModel model, ValidationTable table)
    {
        if ((flag ?? rules.Label) is { } named)
        {
            return named;
        }
        // A signature naming its output after the label (MLflow's infer_signature on y) says which column holds it.
        var outputs = model.MlModel.Signature?.Outputs;
        var signatureName = outputs is { IsTensorBased: false } ? outputs.Columns.Select(c => c.Name).FirstOrDefault(n => n is not null && table.HasColumn(n)) : null;
        return signatureName ?? throw new CliException(
            $"which column is the label? pass --label-column or set label: in the rules file (the data has {string.Join(", ", table.Columns)})", ExitCodes.Usage);
    }

    private static async Task<DataExpectations> ReadExpectationsAsync(string rulesPath, DataRule rule, CancellationToken ct)
    {
        var path = Path.GetFullPath(rule.Path, Path.GetDirectoryName(rulesPath)!);
        if (!File.Exists(path))
        {
            throw new CliException($"{rulesPath}:{rule.Line}: data: expectations file not found: {path}");
        }
        return ExpectationsYaml.Parse(await File.ReadAllTextAsync(path, ct));
    }

    private static async Task<ValidationReport> ValidateDataAsync(IReadOnlyList<string> files, DataExpectations expectations, CancellationToken ct)
    {
        var checks = new List<ValidationCheck>();
        foreach (var file in files)
        {
            var report = await TabularValidator.ValidateAsync(file, expectations, null, ct);
            checks.AddRange(files.Count == 1 ? report.Checks : report.Checks.Select(c => c with { Rule = $"{Path.GetFileName(file)}: {c.Rule}" }));
        }
        return new ValidationReport(checks);
    }
}
