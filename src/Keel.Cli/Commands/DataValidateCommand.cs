using System.CommandLine;
using System.Text.Json.Nodes;
using Keel.Cli.Output;
using Keel.Core.Data.Validation;
using Keel.Data.Validation;

namespace Keel.Cli.Commands;

/// <summary>
/// <c>keel data validate &lt;path&gt; --rules expectations.yaml [--reference file]</c>: checks a CSV or Parquet file
/// against an expectations file (<see cref="ExpectationsYaml"/>), one line per check, and exits 1 when any fails so a
/// CI pipeline can gate on it. Bad input (a missing file, bad YAML, an unknown rule) is one error line, also exit 1.
/// </summary>
internal static class DataValidateCommand
{
    public static Command Create(ClientOptions options, CliHost host)
    {
        var path = new Argument<string>("path") { Description = "The data to check: a .csv (with a header) or .parquet file" };
        var rules = new Option<string>("--rules", "-r") { Description = "The expectations YAML file", Required = true };
        var reference = new Option<string?>("--reference")
        {
            Description = "What drift rules compare with: a .csv or .parquet file, or a saved profile .json",
        };
        var command = new Command("validate", "Check a CSV or Parquet file against expectations; exit 1 when any check fails") { path, rules, reference };
        command.SetAction(async (parse, ct) =>
        {
            var output = new CliOutput(host, options.GetFormat(parse));
            var dataPath = Path.GetFullPath(parse.GetRequiredValue(path), host.WorkingDirectory);
            var rulesPath = Path.GetFullPath(parse.GetRequiredValue(rules), host.WorkingDirectory);
            if (!File.Exists(rulesPath))
            {
                throw new CliException($"rules file not found: {rulesPath}");
            }

            var expectations = ExpectationsYaml.Parse(await File.ReadAllTextAsync(rulesPath, ct));
            var referenceProfile = parse.GetValue(reference) is { } r
                ? await TabularValidator.LoadReferenceAsync(Path.GetFullPath(r, host.WorkingDirectory), ct)
                : null;
            var report = await TabularValidator.ValidateAsync(dataPath, expectations, referenceProfile, ct);
            Write(output, dataPath, report);
            return report.Passed ? ExitCodes.Success : ExitCodes.Failure;
        });
        return command;
    }

    private static void Write(CliOutput output, string path, ValidationReport report)
    {
        if (output.IsJson)
        {
            output.WriteJson(new JsonObject
            {
                ["path"] = path,
                ["passed"] = report.Passed,
                ["failed"] = report.FailedCount,
                ["checks"] = new JsonArray([.. report.Checks.Select(c => new JsonObject
                {
                    ["rule"] = c.Rule,
                    ["column"] = c.Column,
                    ["passed"] = c.Passed,
                    ["expected"] = c.Expected,
                    ["observed"] = c.Observed,
                })]),
            });
            return;
        }

        var subjects = report.Checks.Select(c => c.Column is null ? c.Rule : $"{c.Column}: {c.Rule}").ToArray();
        var width = subjects.Length == 0 ? 0 : subjects.Max(s => s.Length);
        for (var i = 0; i < subjects.Length; i++)
        {
            var check = report.Checks[i];
            output.Line($"{(check.Passed ? "PASS" : "FAIL")}  {subjects[i].PadRight(width)}  expected {check.Expected}, observed {check.Observed}");
        }
        output.Line(report.Passed
            ? $"All {report.Checks.Count} checks passed."
            : $"{report.FailedCount} of {report.Checks.Count} checks failed.");
    }
}
