using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Keel.Cli.Output;
using Keel.Contracts.KeelApi;
using Keel.Core.Deployments;

namespace Keel.Cli.Commands;

/// <summary>
/// <c>keel deploy create|update|show|list|history|rollback|delete</c>: deployments kept by the tracking server,
/// each change a numbered revision, so a rollback is one command.
/// </summary>
internal static class DeployCommands
{
    private const string RouteExample = "champion=models:/churn@champion:90";

    public static Command Create(CliHost host)
    {
        var options = new ClientOptions();
        var group = options.AddTo(new Command("deploy", "Create, update, inspect and roll back deployments: weighted routes, shadows and sticky routing"));
        group.Subcommands.Add(Write("create", "Create a deployment (revision 1)", options, host));
        group.Subcommands.Add(Write("update", "Replace a deployment's routes, shadows and sticky header (a new revision)", options, host));
        group.Subcommands.Add(Show(options, host));
        group.Subcommands.Add(List(options, host));
        group.Subcommands.Add(History(options, host));
        group.Subcommands.Add(Rollback(options, host));
        group.Subcommands.Add(Delete(options, host));
        return group;
    }

    private static Command Write(string verb, string description, ClientOptions options, CliHost host)
    {
        var name = new Argument<string?>("name") { Description = "Deployment name [default: the file's name]", Arity = ArgumentArity.ZeroOrOne };
        var routes = new Option<string[]>("--route")
        {
            Description = $"An answering route, <name>=<model-uri>:<weight>, e.g. {RouteExample} (repeatable)",
            AllowMultipleArgumentsPerToken = false,
        };
        var shadows = new Option<string[]>("--shadow") { Description = "A shadow route, <name>=<model-uri>: scores a copy of each request (repeatable)" };
        var sticky = new Option<string?>("--sticky-header") { Description = "Route requests by a hash of this header's value, e.g. X-User" };
        var file = new Option<string?>("--file", "-f") { Description = "A YAML file with name, routes [{name, model_uri, weight}], shadows and sticky_header" };
        var command = new Command(verb, description) { name, routes, shadows, sticky, file };
        options.SetAction(command, host, async (call, ct) =>
        {
            var spec = await ReadSpecAsync(host, call.Parse.GetValue(name), call.Parse.GetValue(file),
                call.Parse.GetValue(routes) ?? [], call.Parse.GetValue(shadows) ?? [], call.Parse.GetValue(sticky), ct);
            var dto = ToDto(spec);
            var result = verb == "create"
                ? await call.Client.CreateDeploymentAsync(spec.Name, dto, ct)
                : await call.Client.UpdateDeploymentAsync(spec.Name, dto, ct);
            if (call.Output.IsJson)
            {
                WriteJson(call.Output, result, KeelJsonContext.Default.DeploymentDto);
                return;
            }

            call.Output.Line(verb == "create"
                ? $"Created deployment '{result.Name}' at revision {Format.Integer(result.Revision)}."
                : $"Updated deployment '{result.Name}' to revision {Format.Integer(result.Revision)}.");
            DeployTables.WriteRoutes(call.Output, result);
        });
        return command;
    }

    private static Command Show(ClientOptions options, CliHost host)
    {
        var name = new Argument<string>("name") { Description = "Deployment name" };
        var command = new Command("show", "Show a deployment's current revision: routes with their traffic share, shadows, sticky header") { name };
        options.SetAction(command, host, async (call, ct) =>
        {
            var deployment = await call.Client.GetDeploymentAsync(call.Parse.GetRequiredValue(name), ct);
            if (call.Output.IsJson)
            {
                WriteJson(call.Output, deployment, KeelJsonContext.Default.DeploymentDto);
                return;
            }

            DeployTables.WriteDeployment(call.Output, deployment);
        });
        return command;
    }

    private static Command List(ClientOptions options, CliHost host)
    {
        var command = new Command("list", "List deployments with their revision and routes");
        options.SetAction(command, host, async (call, ct) =>
        {
            var deployments = await call.Client.ListDeploymentsAsync(ct);
            if (call.Output.IsJson)
            {
                WriteJson(call.Output, new ListDeploymentsResponse { Deployments = deployments }, KeelJsonContext.Default.ListDeploymentsResponse);
                return;
            }

            DeployTables.WriteList(call.Output, deployments);
        });
        return command;
    }

    private static Command History(ClientOptions options, CliHost host)
    {
        var name = new Argument<string>("name") { Description = "Deployment name" };
        var command = new Command("history", "List a deployment's revisions, newest first") { name };
        options.SetAction(command, host, async (call, ct) =>
        {
            var revisions = await call.Client.GetDeploymentHistoryAsync(call.Parse.GetRequiredValue(name), ct);
            if (call.Output.IsJson)
            {
                WriteJson(call.Output, new DeploymentHistoryResponse { Revisions = revisions }, KeelJsonContext.Default.DeploymentHistoryResponse);
                return;
            }

            DeployTables.WriteHistory(call.Output, revisions);
        });
        return command;
    }

    private static Command Rollback(ClientOptions options, CliHost host)
    {
        var name = new Argument<string>("name") { Description = "Deployment name" };
        var toRevision = new Option<long?>("--to-revision") { Description = "Restore this revision's spec [default: the previous revision]" };
        toRevision.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<long?>() is < 1)
            {
                result.AddError("--to-revision must be a positive integer.");
            }
        });
        var command = new Command("rollback", "Restore the previous revision's spec (or --to-revision N) as a new revision") { name, toRevision };
        options.SetAction(command, host, async (call, ct) =>
        {
            var result = await call.Client.RollbackDeploymentAsync(call.Parse.GetRequiredValue(name), call.Parse.GetValue(toRevision), ct);
            if (call.Output.IsJson)
            {
                WriteJson(call.Output, result, KeelJsonContext.Default.DeploymentDto);
                return;
            }

            call.Output.Line($"Rolled back deployment '{result.Name}': revision {Format.Integer(result.Revision)} restores the earlier spec.");
            DeployTables.WriteRoutes(call.Output, result);
        });
        return command;
    }

    private static Command Delete(ClientOptions options, CliHost host)
    {
        var name = new Argument<string>("name") { Description = "Deployment name" };
        var yes = new Option<bool>("--yes", "-y") { Description = "Confirm deleting the deployment with its whole history" };
        var command = new Command("delete", "Delete a deployment and its history (not restorable)") { name, yes };
        options.SetAction(command, host, async (call, ct) =>
        {
            var deployment = call.Parse.GetRequiredValue(name);
            if (!call.Parse.GetValue(yes))
            {
                throw new CliException($"deleting deployment '{deployment}' removes its whole history for good; pass --yes to confirm", ExitCodes.Usage);
            }

            await call.Client.DeleteDeploymentAsync(deployment, ct);
            if (call.Output.IsJson)
            {
                WriteJson(call.Output, new DeleteDeploymentResponse(), KeelJsonContext.Default.DeleteDeploymentResponse);
                return;
            }

            call.Output.Line($"Deleted deployment '{deployment}'.");
        });
        return command;
    }

    private static async Task<DeploymentSpec> ReadSpecAsync(
        CliHost host, string? name, string? file, string[] routes, string[] shadows, string? sticky, CancellationToken ct)
    {
        if (file is not null)
        {
            if (routes.Length > 0 || shadows.Length > 0 || sticky is not null)
            {
                throw new CliException("--file holds the whole deployment; do not combine it with --route, --shadow or --sticky-header", ExitCodes.Usage);
            }

            var path = Path.GetFullPath(file, host.WorkingDirectory);
            if (!File.Exists(path))
            {
                throw new CliException($"deployment file '{file}' not found", ExitCodes.Usage);
            }

            return DeploymentYaml.Parse(await File.ReadAllTextAsync(path, ct), name);
        }

        if (name is null)
        {
            throw new CliException("name the deployment, or pass --file with a name in it", ExitCodes.Usage);
        }
        if (routes.Length == 0)
        {
            throw new CliException($"give at least one --route <name>=<model-uri>:<weight>, e.g. --route {RouteExample}, or --file", ExitCodes.Usage);
        }

        return new DeploymentSpec(name, routes.Select(ParseRoute).ToArray(), shadows.Select(ParseShadow).ToArray(), sticky);
    }

    // The weight follows the last ':', after the URI's own scheme colon: champion=models:/churn@champion:90.
    internal static TrafficRoute ParseRoute(string text)
    {
        var (name, rest) = SplitName(text, "--route", $"<name>=<model-uri>:<weight>, e.g. {RouteExample}");
        var colon = rest.LastIndexOf(':');
        if (colon <= 0 || !double.TryParse(rest[(colon + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var weight))
        {
            throw new CliException($"invalid --route '{text}': expected <name>=<model-uri>:<weight>, e.g. {RouteExample}", ExitCodes.Usage);
        }

        return new TrafficRoute(name, rest[..colon], weight);
    }

    internal static ShadowRoute ParseShadow(string text)
    {
        var (name, uri) = SplitName(text, "--shadow", "<name>=<model-uri>, e.g. candidate=models:/churn/7");
        return new ShadowRoute(name, uri);
    }

    private static (string Name, string Value) SplitName(string text, string flag, string expected)
    {
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        return equals > 0 && equals < text.Length - 1
            ? (text[..equals], text[(equals + 1)..])
            : throw new CliException($"invalid {flag} '{text}': expected {expected}", ExitCodes.Usage);
    }

    private static DeploymentSpecDto ToDto(DeploymentSpec spec) => new()
    {
        Routes = spec.Routes.Select(r => new DeploymentRouteDto { Name = r.Name, ModelUri = r.ModelUri, Weight = r.Weight }).ToArray(),
        Shadows = spec.Shadows.Select(s => new DeploymentShadowDto { Name = s.Name, ModelUri = s.ModelUri }).ToArray(),
        StickyHeader = spec.StickyHeader,
    };

    // Keel's own API, so its own JSON context rather than MLflow's.
    private static void WriteJson<T>(CliOutput output, T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo) =>
        output.WriteJson(JsonSerializer.SerializeToNode(value, typeInfo)!);
}
