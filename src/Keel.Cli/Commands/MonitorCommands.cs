using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Keel.Cli.Output;
using Keel.Contracts.KeelApi;
using Keel.Core.Monitoring.Monitors;

namespace Keel.Cli.Commands;

/// <summary>
/// <c>keel monitor create|update|list|show|run|delete|alerts</c>: monitors of a deployment's traffic kept by the
/// tracking server — drift against the training data (or a dataset or past traffic), quality on labels, serving
/// health, and the alerts they fire.
/// </summary>
internal static class MonitorCommands
{
    private const int RecentAlerts = 10;

    public static Command Create(CliHost host)
    {
        var options = new ClientOptions();
        var group = options.AddTo(new Command("monitor", "Watch deployments for data drift, quality loss and serving trouble; run monitors and read their alerts"));
        group.Subcommands.Add(Write("create", "Create a monitor from a YAML file", options, host));
        group.Subcommands.Add(Write("update", "Replace a monitor's spec with a YAML file's (its results and alerts stay)", options, host));
        group.Subcommands.Add(List(options, host));
        group.Subcommands.Add(Show(options, host));
        group.Subcommands.Add(Run(options, host));
        group.Subcommands.Add(Delete(options, host));
        group.Subcommands.Add(Alerts(options, host));
        group.Subcommands.Add(MonitorReportCommand.Create(host, options));
        return group;
    }

    private static Command Write(string verb, string description, ClientOptions options, CliHost host)
    {
        var name = new Argument<string?>("name") { Description = "Monitor name [default: the file's name]", Arity = ArgumentArity.ZeroOrOne };
        var file = new Option<string>("--file", "-f")
        {
            Description = "A monitor YAML file: name, deployment, reference, window, schedule, features, feature_options, alerts, webhooks (see docs/monitoring.md)",
            Required = true,
        };
        var command = new Command(verb, description) { name, file };
        options.SetAction(command, host, async (call, ct) =>
        {
            var path = Path.GetFullPath(call.Parse.GetRequiredValue(file), host.WorkingDirectory);
            if (!File.Exists(path))
            {
                throw new CliException($"monitor file '{call.Parse.GetValue(file)}' not found", ExitCodes.Usage);
            }
            var yaml = await File.ReadAllTextAsync(path, ct);
            // Parsed here first, so a typo is reported before anything is sent; the server checks the schedule and webhooks.
            var spec = MonitorYaml.Parse(yaml, call.Parse.GetValue(name));
            var text = call.Parse.GetValue(name) is null ? yaml : MonitorYaml.Serialize(spec);
            var result = verb == "create"
                ? await call.Client.CreateMonitorFromYamlAsync(text, ct)
                : await call.Client.UpdateMonitorFromYamlAsync(spec.Name, text, ct);
            if (call.Output.IsJson)
            {
                WriteJson(call.Output, result, MonitorJsonContext.Default.MonitorDto);
                return;
            }
            call.Output.Line($"{(verb == "create" ? "Created" : "Updated")} monitor '{result.Name}' watching deployment '{result.Deployment}'.");
            MonitorTables.WriteMonitor(call.Output, result);
        });
        return command;
    }

    private static Command List(ClientOptions options, CliHost host)
    {
        var deployment = new Option<string?>("--deployment") { Description = "Only monitors of this deployment" };
        var command = new Command("list", "List monitors with their deployment, reference, window and schedule") { deployment };
        options.SetAction(command, host, async (call, ct) =>
        {
            var monitors = await call.Client.ListMonitorsAsync(call.Parse.GetValue(deployment), ct);
            if (call.Output.IsJson)
            {
                WriteJson(call.Output, new ListMonitorsResponse { Monitors = monitors }, MonitorJsonContext.Default.ListMonitorsResponse);
                return;
            }
            MonitorTables.WriteList(call.Output, monitors);
        });
        return command;
    }

    private static Command Show(ClientOptions options, CliHost host)
    {
        var name = new Argument<string>("name") { Description = "Monitor name" };
        var command = new Command("show", "Show a monitor's latest state: drift per feature, dataset drift, quality against the baseline, serving health, recent alerts")
        {
            name,
        };
        options.SetAction(command, host, async (call, ct) =>
        {
            var monitor = await call.Client.GetMonitorAsync(call.Parse.GetRequiredValue(name), ct);
            var latest = await call.Client.GetLatestMonitorResultAsync(monitor.Name, ct);
            var alerts = await call.Client.ListAlertEventsAsync(monitor: monitor.Name, maxResults: RecentAlerts, ct: ct);
            if (call.Output.IsJson)
            {
                call.Output.WriteJson(new JsonObject
                {
                    ["monitor"] = JsonSerializer.SerializeToNode(monitor, MonitorJsonContext.Default.MonitorDto),
                    ["latest"] = latest is null ? null : JsonSerializer.SerializeToNode(latest, MonitorJsonContext.Default.MonitorResultDto),
                    ["alerts"] = JsonSerializer.SerializeToNode(new ListAlertEventsResponse { Alerts = alerts }, MonitorJsonContext.Default.ListAlertEventsResponse)!["alerts"]!.DeepClone(),
                });
                return;
            }
            MonitorTables.WriteMonitor(call.Output, monitor);
            call.Output.Line();
            if (latest is null)
            {
                call.Output.Line($"Not run yet: run it with `keel monitor run {monitor.Name}`.");
            }
            else
            {
                MonitorTables.WriteResult(call.Output, latest, withAlerts: false);
            }
            MonitorTables.WriteAlerts(call.Output, "Recent alerts", alerts);
        });
        return command;
    }

    private static Command Run(ClientOptions options, CliHost host)
    {
        var name = new Argument<string>("name") { Description = "Monitor name" };
        var at = new Option<string?>("--at") { Description = "End of the window, ISO 8601 (e.g. 2025-03-01T12:00:00Z) [default: now]" };
        var command = new Command("run", "Run a monitor now over its window and print what drifted (the result and its alerts are stored)") { name, at };
        options.SetAction(command, host, async (call, ct) =>
        {
            var time = ParseTime(call.Parse.GetValue(at), "--at");
            var result = await call.Client.RunMonitorAsync(call.Parse.GetRequiredValue(name), time, ct);
            if (call.Output.IsJson)
            {
                WriteJson(call.Output, result, MonitorJsonContext.Default.MonitorResultDto);
                return;
            }
            MonitorTables.WriteResult(call.Output, result);
        });
        return command;
    }

    private static Command Delete(ClientOptions options, CliHost host)
    {
        var name = new Argument<string>("name") { Description = "Monitor name" };
        var yes = new Option<bool>("--yes", "-y") { Description = "Confirm deleting the monitor with its results and alerts" };
        var command = new Command("delete", "Delete a monitor with its results and alerts (not restorable)") { name, yes };
        options.SetAction(command, host, async (call, ct) =>
        {
            var monitor = call.Parse.GetRequiredValue(name);
            if (!call.Parse.GetValue(yes))
            {
                throw new CliException($"deleting monitor '{monitor}' removes its results and alerts for good; pass --yes to confirm", ExitCodes.Usage);
            }
            await call.Client.DeleteMonitorAsync(monitor, ct);
            if (call.Output.IsJson)
            {
                WriteJson(call.Output, new DeleteMonitorResponse(), MonitorJsonContext.Default.DeleteMonitorResponse);
                return;
            }
            call.Output.Line($"Deleted monitor '{monitor}'.");
        });
        return command;
    }

    private static Command Alerts(ClientOptions options, CliHost host)
    {
        var monitor = new Option<string?>("--monitor") { Description = "Only this monitor's alerts" };
        var deployment = new Option<string?>("--deployment") { Description = "Only alerts of monitors watching this deployment" };
        var since = new Option<string?>("--since") { Description = "Only alerts fired at or after this time, ISO 8601" };
        var max = new Option<int>("--max-results") { Description = "At most this many, newest first (1 to 1000)", DefaultValueFactory = _ => 50 };
        max.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > MonitorService.MaxAlertEvents)
            {
                result.AddError($"--max-results must be between 1 and {MonitorService.MaxAlertEvents}.");
            }
        });
        var command = new Command("alerts", "List the alerts monitors fired, newest first") { monitor, deployment, since, max };
        options.SetAction(command, host, async (call, ct) =>
        {
            var alerts = await call.Client.ListAlertEventsAsync(call.Parse.GetValue(monitor), call.Parse.GetValue(deployment),
                ParseTime(call.Parse.GetValue(since), "--since"), call.Parse.GetValue(max), ct);
            if (call.Output.IsJson)
            {
                WriteJson(call.Output, new ListAlertEventsResponse { Alerts = alerts }, MonitorJsonContext.Default.ListAlertEventsResponse);
                return;
            }
            if (alerts.Count == 0)
            {
                call.Output.Line("No alerts.");
                return;
            }
            MonitorTables.WriteAlerts(call.Output, "Alerts", alerts);
        });
        return command;
    }

    internal static DateTimeOffset? ParseTime(string? text, string flag) =>
        text is null ? null
            : DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time
            : throw new CliException($"invalid {flag} '{text}': expected an ISO 8601 time such as 2025-03-01T12:00:00Z", ExitCodes.Usage);

    private static void WriteJson<T>(CliOutput output, T value, JsonTypeInfo<T> typeInfo) =>
        output.WriteJson(JsonSerializer.SerializeToNode(value, typeInfo)!);
}
