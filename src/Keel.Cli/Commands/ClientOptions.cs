using System.CommandLine;
using System.Net.Sockets;
using Keel.Cli.Hosting;
using Keel.Cli.Output;
using Keel.Client;
using Keel.Server;
using Keel.Storage;

namespace Keel.Cli.Commands;

/// <summary>What a client command's action gets: its parse result, an SDK client, and where to write.</summary>
internal sealed record ClientInvocation(ParseResult Parse, KeelClient Client, Uri TrackingUri, CliOutput Output);

/// <summary>
/// <c>--tracking-uri</c> and <c>--output</c>, shared by every command that talks to a tracking server,
/// and the wrapper that turns a dead connection into one actionable line.
/// </summary>
internal sealed class ClientOptions
{
    public Option<string?> TrackingUri { get; } = new("--tracking-uri")
    {
        Description = "Tracking server URL [default: $KEEL_TRACKING_URI, else $MLFLOW_TRACKING_URI, else the local data dir, as MLflow reads ./mlruns]",
        Recursive = true,
    };

    public Option<string?> DataDir { get; } = CreateDataDirOption();

    private static Option<string?> CreateDataDirOption()
    {
        var option = DataDirectory.CreateOption();
        option.Description += " (when no tracking URI is set)";
        option.Recursive = true;
        return option;
    }

    public Option<string> Output { get; } = CreateOutputOption();

    private static Option<string> CreateOutputOption()
    {
        var option = new Option<string>("--output", "-o")
        {
            Description = "table for people, json (the server's wire JSON) for scripts",
            DefaultValueFactory = _ => "table",
            Recursive = true,
        };
        option.AcceptOnlyFromAmong("table", "json");
        return option;
    }

    public OutputFormat GetFormat(ParseResult parse) =>
        parse.GetValue(Output) == "json" ? OutputFormat.Json : OutputFormat.Table;

    /// <summary>Adds both options to a command group; they apply to all of its subcommands.</summary>
    public Command AddTo(Command group)
    {
        group.Options.Add(TrackingUri);
        group.Options.Add(DataDir);
        group.Options.Add(Output);
        return group;
    }

    /// <summary>The flag, else <c>KEEL_TRACKING_URI</c>, else <c>MLFLOW_TRACKING_URI</c>; null when none is set.</summary>
    public static Uri? ConfiguredTrackingUri(string? flag, CliHost host)
    {
        var text = flag ?? host.Variable("KEEL_TRACKING_URI") ?? host.Variable("MLFLOW_TRACKING_URI");
        if (text is null)
        {
            return null;
        }
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new CliException($"invalid tracking URI '{text}': expected an http:// or https:// URL", ExitCodes.Usage);
        }

        return uri;
    }

    /// <summary>Sets <paramref name="command"/>'s action to run <paramref name="action"/> with a client for the chosen server.</summary>
    public void SetAction(Command command, CliHost host, Func<ClientInvocation, CancellationToken, Task> action) =>
        command.SetAction(async (parse, ct) =>
        {
            var configured = ConfiguredTrackingUri(parse.GetValue(TrackingUri), host);
            // Like MLflow without a tracking URI (it reads ./mlruns): serve the local data dir in-process for this one command.
            await using var local = configured is null
                ? await LocalServer.StartAsync(
                    new StorageOptions(DataDirectory.Resolve(parse.GetValue(DataDir), host)),
                    new KeelServerOptions { Host = "127.0.0.1", Port = 0, RunMonitorScheduler = false }, host.Time, ct)
                : null;
            var trackingUri = configured ?? local!.Address;
            var output = new CliOutput(host, GetFormat(parse));
            using var client = CreateClient(trackingUri, host);
            await CallServerAsync(trackingUri, () => action(new ClientInvocation(parse, client, trackingUri, output), ct), ct);
            return ExitCodes.Success;
        });

    /// <summary>Runs <paramref name="call"/>, reporting a server that cannot be reached as a user mistake.</summary>
    public static async Task CallServerAsync(Uri trackingUri, Func<Task> call, CancellationToken ct)
    {
        try
        {
            await call();
        }
        catch (HttpRequestException e) when (e.StatusCode is null)
        {
            throw Unreachable(trackingUri, e);
        }
        catch (TimeoutException e)
        {
            throw new CliException($"tracking server at {trackingUri} did not answer in time: {e.Message}");
        }
    }

    /// <summary>
    /// A client that gives up on a dead server within a second: someone is waiting at the prompt, and a refused
    /// connection seldom heals in the seconds the SDK's default back-off would spend on it.
    /// </summary>
    public static KeelClient CreateClient(Uri trackingUri, CliHost host) => new(new KeelClientOptions
    {
        TrackingUri = trackingUri,
        MaxRetries = 2,
        RetryDelay = TimeSpan.FromMilliseconds(200),
        TimeProvider = host.Time,
        // Registry writes (alias set, version delete) name their user in the alias history, as governance commands do.
        User = host.Variable("KEEL_USER"),
    });

    private static CliException Unreachable(Uri trackingUri, HttpRequestException e)
    {
        var reason = e.InnerException is SocketException socket ? socket.Message : e.Message;
        return new CliException($"cannot reach tracking server at {trackingUri}: {reason}; start one with `keel server`");
    }
}
