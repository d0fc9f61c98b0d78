using System.CommandLine;
using Keel.Cli.Hosting;
using Keel.Client;
using Keel.Core.Deployments;
using Keel.Server;
using Keel.Serving;
using Keel.Serving.Metrics;
using Keel.Serving.Routing;
using Keel.Serving.Runtime;
using Keel.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;

namespace Keel.Cli.Commands;

/// <summary><c>keel serve</c>: one model over MLflow's scoring protocol and the Open Inference Protocol, until Ctrl+C or SIGTERM.</summary>
internal static class ServeCommand
{
    public static Command Create(CliHost host)
    {
        var modelUri = new Argument<string?>("model-uri")
        {
            Description = "The model to serve: models:/<name>@<alias> (followed when the alias moves), models:/<name>/<version>, runs:/<run-id>/<path>",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var deployment = new Option<string?>("--deployment")
        {
            Description = "Serve a deployment instead of one model: a YAML file with routes (name, model_uri, weight), shadows and sticky_header",
        };
        var deploymentName = new Option<string?>("--deployment-name")
        {
            Description = "Serve a deployment the tracking server holds (see `keel deploy`), following its updates and rollbacks",
        };
        var shadowLog = new Option<string?>("--shadow-log")
        {
            Description = "With --deployment: append each shadow comparison to this JSON-lines file",
        };
        var hostOption = new Option<string>("--host")
        {
            Description = "Interface to bind; a non-loopback address also needs --insecure",
            DefaultValueFactory = _ => "127.0.0.1",
        };
        var port = PortOption("--port", "HTTP port for /invocations, /v2 and /metrics; 0 picks a free one", 5001);
        port.Aliases.Add("-p");
        var grpcPort = PortOption("--grpc-port", "HTTP/2 port for the Open Inference Protocol's gRPC API; 0 picks a free one", 5002);
        var noGrpc = new Option<bool>("--no-grpc") { Description = "Serve REST only" };
        var defaults = new ServingOptions { ModelUri = "models:/defaults/1" };
        var maxBatchSize = new Option<int>("--max-batch-size")
        {
            Description = "Most rows one predictor call takes when concurrent requests are coalesced; 1 turns batching off",
            DefaultValueFactory = _ => defaults.MaxBatchSize,
        };
        maxBatchSize.Validators.Add(r => Require(r, r.GetValueOrDefault<int>() >= 1, "--max-batch-size must be at least 1."));
        var maxBatchDelay = new Option<double>("--max-batch-delay-ms")
        {
            Description = "Longest a request waits for others to join its batch, in milliseconds",
            DefaultValueFactory = _ => defaults.MaxBatchDelay.TotalMilliseconds,
        };
        maxBatchDelay.Validators.Add(r => Require(r, r.GetValueOrDefault<double>() >= 0, "--max-batch-delay-ms must not be negative."));
        var reloadInterval = new Option<double>("--reload-interval")
        {
            Description = "How often the model URI is resolved again to notice a moved alias, in seconds",
            DefaultValueFactory = _ => defaults.ReloadInterval.TotalSeconds,
        };
        reloadInterval.Validators.Add(r => Require(r, r.GetValueOrDefault<double>() > 0, "--reload-interval must be more than 0 seconds."));
        var maxRequestBytes = new Option<long>("--max-request-bytes")
        {
            Description = "Largest request body accepted; larger ones get 413",
            DefaultValueFactory = _ => defaults.MaxRequestBytes,
        };
        maxRequestBytes.Validators.Add(r => Require(r, r.GetValueOrDefault<long>() >= 1, "--max-request-bytes must be at least 1."));
        var insecure = new Option<bool>("--insecure")
        {
            Description = "Allow binding a non-loopback address although Keel has no authentication yet",
        };
        var clientOptions = new ClientOptions();
        var logOptions = new ServePredictionLogOptions();

        var command = new Command("serve", "Serve a model over MLflow's /invocations and the Open Inference Protocol v2 (REST and gRPC) until Ctrl+C")
        {
            modelUri, deployment, deploymentName, shadowLog, hostOption, port, grpcPort, noGrpc, maxBatchSize, maxBatchDelay, reloadInterval, maxRequestBytes, insecure,
            clientOptions.TrackingUri, clientOptions.DataDir,
        };
        foreach (var option in logOptions.All)
        {
            command.Options.Add(option);
        }
        command.SetAction(async (parse, ct) =>
        {
            var followed = parse.GetValue(deploymentName);
            var spec = ReadDeployment(parse.GetValue(modelUri), parse.GetValue(deployment), followed, host);
            var uri = spec?.Routes[0].ModelUri ?? (followed is null ? ModelUri.RequireAny(parse.GetValue(modelUri)!.Trim()) : "");
            var bindHost = parse.GetRequiredValue(hostOption).Trim();
            if (!ServerCommand.IsLoopback(bindHost) && !parse.GetValue(insecure))
            {
                throw new CliException(
                    $"refusing to listen on '{bindHost}': Keel has no authentication yet, so anyone who can reach it " +
                    "could call the model; bind 127.0.0.1 (the default), or pass --insecure if this network is trusted");
            }

            var options = new ServingOptions
            {
                ModelUri = uri,
                Host = bindHost,
                Port = parse.GetValue(port),
                GrpcPort = parse.GetValue(noGrpc) ? null : parse.GetValue(grpcPort),
                MaxBatchSize = parse.GetValue(maxBatchSize),
                MaxBatchDelay = TimeSpan.FromMilliseconds(parse.GetValue(maxBatchDelay)),
                ReloadInterval = TimeSpan.FromSeconds(parse.GetValue(reloadInterval)),
                MaxRequestBytes = parse.GetValue(maxRequestBytes),
            };
            options = logOptions.Apply(parse, options);
            var configured = ClientOptions.ConfiguredTrackingUri(parse.GetValue(clientOptions.TrackingUri), host);
            // Like the client commands: without a tracking URI, the local data dir's registry is served in-process.
            await using var local = configured is null
                ? await LocalServer.StartAsync(
                    new StorageOptions(DataDirectory.Resolve(parse.GetValue(clientOptions.DataDir), host)),
                    new KeelServerOptions { Host = "127.0.0.1", Port = 0 }, host.Time, ct)
                : null;
            var trackingUri = configured ?? local!.Address;
            using var client = ClientOptions.CreateClient(trackingUri, host);
            var shadowLogPath = parse.GetValue(shadowLog) is { } log ? Path.GetFullPath(log, host.WorkingDirectory) : null;
            Func<TrafficRouter, DeploymentFollower>? startFollowing = null;
            if (followed is not null)
            {
                await ClientOptions.CallServerAsync(trackingUri, async () =>
                {
                    var (fetched, revision) = await DeploymentFollower.FetchAsync(client, followed, ct);
                    spec = fetched;
                    options = options with { ModelUri = fetched.Routes[0].ModelUri };
                    startFollowing = router => DeploymentFollower.Start(client, router, followed, revision, options.ReloadInterval, host.Time);
                }, ct);
            }

            await RunAsync(host, client, trackingUri, options, spec, shadowLogPath, startFollowing, warnInsecure: !ServerCommand.IsLoopback(bindHost), ct);
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Exactly one of a model URI, <c>--deployment</c> and <c>--deployment-name</c>; a deployment file parsed and checked.</summary>
    private static DeploymentSpec? ReadDeployment(string? modelUri, string? file, string? name, CliHost host)
    {
        if (new[] { modelUri, file, name }.Count(v => !string.IsNullOrWhiteSpace(v)) != 1)
        {
            throw new CliException("give either a model URI, --deployment <file.yaml> or --deployment-name <name>: exactly one", ExitCodes.Usage);
        }

        if (file is null)
        {
            return null;
        }

        var path = Path.GetFullPath(file, host.WorkingDirectory);
        if (!File.Exists(path))
        {
            throw new CliException($"deployment file '{path}' does not exist", ExitCodes.Usage);
        }

        return DeploymentYaml.Parse(File.ReadAllText(path));
    }

    private static async Task RunAsync(
        CliHost host, KeelClient client, Uri trackingUri, ServingOptions options, DeploymentSpec? spec, string? shadowLog,
        Func<TrafficRouter, DeploymentFollower>? startFollowing, bool warnInsecure, CancellationToken ct)
    {
        var metrics = new ServingMetrics();
        await using var predictionLog = ServePredictionLogOptions.Start(options, client, metrics, spec?.Name, host.Time);
        IModelScorer? scorer = null;
        await ClientOptions.CallServerAsync(trackingUri, async () => scorer = spec is null
            ? await ModelHost.StartAsync(new RegistryModelSource(client, options.ModelUri), options, host.Time, null, metrics, ct)
            : await TrafficRouter.StartAsync(
                spec,
                (uri, token) => ModelHost.StartAsync(new RegistryModelSource(client, uri), options with { ModelUri = uri }, host.Time, null, metrics, token),
                new TrafficRouterOptions { Metrics = metrics, ShadowLogPath = shadowLog, Time = host.Time, PredictionLog = predictionLog },
                ct), ct);
        await using var owned = (IAsyncDisposable)scorer!;
        var modelHost = scorer!;
        await using var follower = startFollowing is not null && scorer is TrafficRouter router ? startFollowing(router) : null;
        await using var app = KeelServingHost.Create(options, modelHost, metrics, services => ServePredictionLogOptions.Register(services, predictionLog));
        await app.StartAsync(ct);
        try
        {
            if (warnInsecure)
            {
                await host.Error.WriteLineAsync(
                    $"warning: listening on {options.Host} without authentication (--insecure): anyone who can reach these ports can call the model");
            }

            var addresses = app.Addresses();
            var rest = addresses.Rest.ToString().TrimEnd('/');
            var served = modelHost.Current;
            var what = spec is null
                ? $"{served?.ModelName} version {served?.Version} ({options.ModelUri})"
                : $"deployment {spec.Name} ({string.Join(", ", spec.Routes.Select(r => $"{r.Name} weight {r.Weight:G} {r.ModelUri}"))}{string.Concat(spec.Shadows.Select(s => $", shadow {s.Name} {s.ModelUri}"))})";
            await host.Out.WriteLineAsync($"Serving {what} listening on {rest}");
            await host.Out.WriteLineAsync($"  MLflow:  POST {rest}/invocations");
            await host.Out.WriteLineAsync($"  OIP v2:  POST {rest}/v2/models/{served?.ModelName}/infer");
            if (addresses.Grpc is { } grpc)
            {
                await host.Out.WriteLineAsync($"  gRPC:    {grpc.ToString().TrimEnd('/')} (inference.GRPCInferenceService)");
            }

            await host.Out.WriteLineAsync($"  metrics: {rest}/metrics");
            await host.Out.WriteLineAsync($"  registry: {trackingUri.ToString().TrimEnd('/')}");
            await host.Out.WriteLineAsync("Press Ctrl+C to stop.");
            await host.Out.FlushAsync(ct);
            await app.WaitForShutdownAsync(ct);
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
        }
    }

    private static Option<int> PortOption(string name, string description, int defaultPort)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => defaultPort };
        option.Validators.Add(r => Require(r, r.GetValueOrDefault<int>() is >= 0 and <= 65535, $"{name} must be between 0 and 65535."));
        return option;
    }

    private static void Require(System.CommandLine.Parsing.OptionResult result, bool valid, string message)
    {
        if (!valid)
        {
            result.AddError(message);
        }
    }
}
