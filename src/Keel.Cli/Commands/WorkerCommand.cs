using System.CommandLine;
using System.Globalization;
using Keel.Cli.Hosting;
using Keel.Core.Common;
using Keel.Core.Monitoring.Monitors;
using Keel.Storage;
using Keel.Workers.Hosting;

namespace Keel.Cli.Commands;

/// <summary>
/// <c>keel worker</c>: claims pipeline stages from the server's PostgreSQL (Quartz's clustered job store) and runs them,
/// fetching inputs from and pushing outputs to the artifact store, until Ctrl+C or SIGTERM.
/// </summary>
internal static class WorkerCommand
{
    public static Command Create(CliHost host)
    {
        var backendStoreUri = new Option<string?>("--backend-store-uri")
        {
            Description = "The server's metadata store: postgresql://user:pass@host:5432/db (workers need PostgreSQL)",
        };
        var artifactsDestination = new Option<string?>("--artifacts-destination")
        {
            Description = "The server's artifact root: s3://bucket/prefix (endpoint and credentials from AWS_* variables) or a folder every worker shares [default: <data-dir>/artifacts]",
        };
        var dataDir = DataDirectory.CreateOption();
        var concurrency = new Option<int>("--concurrency", "-j")
        {
            Description = "Stages run at once",
            DefaultValueFactory = _ => 1,
        };
        concurrency.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 64)
            {
                result.AddError("--concurrency must be between 1 and 64.");
            }
        });
        var workerId = new Option<string?>("--worker-id")
        {
            Description = "This worker's name in attempts and in the cluster; unique per running worker [default: <host>-<pid>]",
        };
        var checkinInterval = new Option<string>("--checkin-interval")
        {
            Description = "How often this worker tells the cluster it is alive; a worker silent for twice this long is presumed dead and its stages run elsewhere (e.g. 2s, 1m)",
            DefaultValueFactory = _ => "5s",
        };

        var trackingUri = new Option<string?>("--tracking-uri")
        {
            Description = "The Keel server's URL, given to stage commands as KEEL_TRACKING_URI / MLFLOW_TRACKING_URI [default: $KEEL_TRACKING_URI, else none]",
        };

        var command = new Command("worker", "Run pipeline stages queued on the server's PostgreSQL until Ctrl+C")
        {
            backendStoreUri, artifactsDestination, dataDir, concurrency, workerId, checkinInterval, trackingUri,
        };
        command.SetAction(async (parse, ct) =>
        {
            var uri = parse.GetValue(backendStoreUri);
            if (string.IsNullOrWhiteSpace(uri) || !uri.StartsWith("postgresql", StringComparison.OrdinalIgnoreCase))
            {
                throw new CliException($"--backend-store-uri: {PipelineWorker.RequiresPostgres}", ExitCodes.Usage);
            }
            var options = new PipelineWorkerOptions
            {
                WorkerId = parse.GetValue(workerId) is { Length: > 0 } id ? id : new PipelineWorkerOptions().WorkerId,
                Concurrency = parse.GetValue(concurrency),
                CheckinInterval = CheckinInterval(parse.GetRequiredValue(checkinInterval)),
                TrackingUri = ClientOptions.ConfiguredTrackingUri(parse.GetValue(trackingUri), host),
            };
            var storage = new StorageOptions(DataDirectory.Resolve(parse.GetValue(dataDir), host), uri, parse.GetValue(artifactsDestination));
            await RunAsync(host, storage, options, ct);
            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task RunAsync(CliHost host, StorageOptions storage, PipelineWorkerOptions options, CancellationToken ct)
    {
        var output = new Lock();
        void Log(string line)
        {
            lock (output)
            {
                host.Out.WriteLine($"{host.Time.GetUtcNow():HH:mm:ss.fff} [{options.WorkerId}] {line}");
                host.Out.Flush();
            }
        }

        await using var stores = await KeelStorage.OpenAsync(storage, host.Time, ct);
        await using var worker = await PipelineWorker.StartAsync(stores, storage.BackendStoreUri!, options, host.Time, Log, ct);
        Log(string.Create(CultureInfo.InvariantCulture,
            $"worker started: up to {options.Concurrency} stage(s) at once, check-in every {options.CheckinInterval.TotalSeconds:0.#}s; Ctrl+C to stop"));
        try
        {
            await Task.Delay(Timeout.Infinite, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            Log("stopping: running stages are released to other workers");
        }
        await worker.StopAsync(CancellationToken.None);
        Log("worker stopped");
    }

    private static TimeSpan CheckinInterval(string text)
    {
        TimeSpan interval;
        try
        {
            interval = MonitorDuration.Parse(text, "--checkin-interval");
        }
        catch (KeelException e)
        {
            throw new CliException(e.Message, ExitCodes.Usage);
        }
        return interval >= TimeSpan.FromSeconds(1)
            ? interval
            : throw new CliException("--checkin-interval must be at least 1s.", ExitCodes.Usage);
    }
}
