using System.CommandLine;
using System.Text.Json;
using Keel.Monitoring.Reports;

namespace Keel.Cli.Commands;

/// <summary>
/// <c>keel monitor report --deployment X [--monitor M] [--from …] [--to …] [--output-file report.html]</c>: downloads a
/// deployment's monitoring report as a self-contained HTML page and, beside it, the same data as JSON.
/// </summary>
internal static class MonitorReportCommand
{
    /// <summary>The command with its own <c>--tracking-uri</c> and <c>--data-dir</c>.</summary>
    public static Command Create(CliHost host) => Create(host, null);

    /// <summary>
    /// The command; pass the <c>monitor</c> group's <paramref name="shared"/> options (already added to the group) so
    /// they work before the verb too, or null to give the command its own.
    /// </summary>
    public static Command Create(CliHost host, ClientOptions? shared)
    {
        var deployment = new Option<string>("--deployment", "-d") { Description = "The deployment whose monitors to report on", Required = true };
        var monitor = new Option<string?>("--monitor", "-m") { Description = "Only this monitor [default: every monitor of the deployment]" };
        var from = new Option<string?>("--from") { Description = "Start of the range: ISO-8601, 'now', or relative like -24h, -7d [default: 7 days before --to]" };
        var to = new Option<string?>("--to") { Description = "End of the range, in the same forms [default: now]" };
        var outputFile = new Option<string>("--output-file")
        {
            Description = "Where to write the HTML page; the JSON goes beside it with a .json extension",
            DefaultValueFactory = _ => "monitor-report.html",
        };
        var command = new Command("report", "Write a deployment's monitoring report: an offline HTML page with plots, and the same data as JSON")
        {
            deployment, monitor, from, to, outputFile,
        };
        var options = shared ?? new ClientOptions();
        if (shared is null)
        {
            command.Options.Add(options.TrackingUri);
            command.Options.Add(options.DataDir);
        }
        options.SetAction(command, host, async (call, ct) =>
        {
            var now = host.Time.GetUtcNow();
            var until = ParseTime(call.Parse.GetValue(to), "--to", now) ?? now;
            var since = ParseTime(call.Parse.GetValue(from), "--from", now) ?? until - TimeSpan.FromDays(7);
            if (since >= until)
            {
                throw new CliException($"--from ({since:O}) must be before --to ({until:O})", ExitCodes.Usage);
            }
            var (htmlPath, jsonPath) = OutputPaths(call.Parse.GetRequiredValue(outputFile), host);
            var name = call.Parse.GetRequiredValue(deployment);
            var only = call.Parse.GetValue(monitor);
            await DownloadAsync(call, name, since, until, "json", jsonPath, only, ct);
            await DownloadAsync(call, name, since, until, "html", htmlPath, only, ct);
            call.Output.Line($"HTML report: {htmlPath}");
            call.Output.Line($"JSON report: {jsonPath}");
            if (ReadEmptyReason(jsonPath) is { } empty)
            {
                call.Output.Line(empty);
            }
        });
        return command;
    }

    private static DateTimeOffset? ParseTime(string? text, string option, DateTimeOffset now) =>
        text is null ? null
        : ReportTime.TryParse(text, now, out var at) ? at
        : throw new CliException($"{option} must be {ReportTime.Forms}, got '{text}'", ExitCodes.Usage);

    private static (string Html, string Json) OutputPaths(string outputFile, CliHost host)
    {
        var html = Path.GetFullPath(outputFile, host.WorkingDirectory);
        if (string.Equals(Path.GetExtension(html), ".json", StringComparison.OrdinalIgnoreCase))
        {
            throw new CliException($"--output-file names the HTML page, so it cannot end in .json: got '{outputFile}'", ExitCodes.Usage);
        }
        if (Path.GetDirectoryName(html) is { } folder && !Directory.Exists(folder))
        {
            throw new CliException($"--output-file's folder '{folder}' does not exist", ExitCodes.Usage);
        }
        return (html, Path.ChangeExtension(html, ".json"));
    }

    // Written beside the target and moved into place, so a failed download never leaves half a report.
    private static async Task DownloadAsync(
        ClientInvocation call, string deployment, DateTimeOffset since, DateTimeOffset until, string format, string path, string? monitor,
        CancellationToken ct)
    {
        var partial = path + ".partial";
        try
        {
            await using (var file = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
            {
                await call.Client.DownloadMonitorReportAsync(deployment, since, until, format, file, monitor, ct);
            }
            File.Move(partial, path, overwrite: true);
        }
        finally
        {
            File.Delete(partial);
        }
    }

    private static string? ReadEmptyReason(string jsonPath)
    {
        using var json = JsonDocument.Parse(File.ReadAllBytes(jsonPath));
        return json.RootElement.TryGetProperty("empty_reason", out var reason) && reason.ValueKind == JsonValueKind.String ? reason.GetString() : null;
    }
}
