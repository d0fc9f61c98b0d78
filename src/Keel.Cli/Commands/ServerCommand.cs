using System.CommandLine;
using System.Net;
using Keel.Cli.Hosting;
using Keel.Server;
using Keel.Storage;

namespace Keel.Cli.Commands;

/// <summary><c>keel server</c>: the tracking server over local storage, until Ctrl+C or SIGTERM.</summary>
internal static class ServerCommand
{
    public static Command Create(CliHost host)
    {
        var hostOption = new Option<string>("--host")
        {
            Description = "Interface to bind; a non-loopback address also needs --insecure",
            DefaultValueFactory = _ => "127.0.0.1",
        };
        var port = new Option<int>("--port", "-p")
        {
            Description = "TCP port; 0 picks a free one",
            DefaultValueFactory = _ => 5000,
        };
        port.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 0 or > 65535)
            {
                result.AddError("--port must be between 0 and 65535.");
            }
        });
        var dataDir = DataDirectory.CreateOption();
        var backendStoreUri = new Option<string?>("--backend-store-uri")
        {
            Description = "Metadata store, MLflow style: sqlite:///path/keel.db or postgresql://user:pass@host:5432/db [default: SQLite in the data dir]",
        };
        var artifactsDestination = new Option<string?>("--artifacts-destination")
        {
            Description = "Artifact root: a folder, a file:// URI or s3://bucket/prefix (endpoint and credentials from AWS_ENDPOINT_URL or MLFLOW_S3_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY) [default: <data-dir>/artifacts]",
        };
        var dbPoolSize = DatabaseOption("--db-pool-size",
            "PostgreSQL connections per server process; replicas multiply it, so keep it under max_connections / replicas (the URI option MaxPoolSize) [default: 32]");
        var dbConnectTimeout = DatabaseOption("--db-connect-timeout",
            "Seconds to open a PostgreSQL connection or wait for a pooled one; requests fail with 503 after it while the database is away (the URI option connect_timeout) [default: 5]");
        var dbCommandTimeout = DatabaseOption("--db-command-timeout",
            "Seconds one PostgreSQL command may run (the URI option CommandTimeout) [default: 30]");
        var insecure = new Option<bool>("--insecure")
        {
            Description = "Allow binding a non-loopback address although Keel has no authentication yet",
        };

        var noMonitorScheduler = new Option<bool>("--no-monitor-scheduler")
        {
            Description = "Do not run scheduled monitors in this process (another replica runs them; on-demand runs still work)",
        };
        var allowPrivateWebhooks = new Option<bool>("--allow-private-webhooks")
        {
            Description = "Let monitor alert webhooks reach loopback and private addresses (refused by default, so a webhook cannot probe the internal network)",
        };

        var command = new Command("server", "Run the tracking server (MLflow REST API) until Ctrl+C")
        {
            hostOption, port, dataDir, backendStoreUri, artifactsDestination, dbPoolSize, dbConnectTimeout, dbCommandTimeout, insecure,
            noMonitorScheduler, allowPrivateWebhooks,
        };
        command.SetAction(async (parse, ct) =>
        {
            var bindHost = parse.GetRequiredValue(hostOption).Trim();
            if (!IsLoopback(bindHost) && !parse.GetValue(insecure))
            {
                throw new CliException(
                    $"refusing to listen on '{bindHost}': Keel has no authentication yet, so anyone who can reach it " +
                    "could read and change every run; bind 127.0.0.1 (the default), or pass --insecure if this network is trusted");
            }

            var storage = new StorageOptions(
                DataDirectory.Resolve(parse.GetValue(dataDir), host),
                WithDatabaseSettings(parse.GetValue(backendStoreUri), [
                    ("Maximum Pool Size", parse.GetValue(dbPoolSize)),
                    ("connect_timeout", parse.GetValue(dbConnectTimeout)),
                    ("Command Timeout", parse.GetValue(dbCommandTimeout))]),
                parse.GetValue(artifactsDestination));
            var options = new KeelServerOptions
            {
                Host = UrlHost(bindHost),
                Port = parse.GetValue(port),
                RunMonitorScheduler = !parse.GetValue(noMonitorScheduler),
                AllowPrivateWebhooks = parse.GetValue(allowPrivateWebhooks),
            };
            await RunAsync(host, storage, options, warnInsecure: !IsLoopback(bindHost), ct);
            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task RunAsync(CliHost host, StorageOptions storage, KeelServerOptions options, bool warnInsecure, CancellationToken ct)
    {
        await using var server = await LocalServer.StartAsync(storage, options, host.Time, ct);
        if (warnInsecure)
        {
            await host.Error.WriteLineAsync(
                $"warning: listening on {options.Host} without authentication (--insecure): anyone who can reach this port can read and change every run");
        }

        var url = server.Address.ToString().TrimEnd('/');
        await host.Out.WriteLineAsync($"Keel tracking server listening on {url}");
        await host.Out.WriteLineAsync($"  data:   {storage.DataDirectory}");
        await host.Out.WriteLineAsync($"  MLflow: export MLFLOW_TRACKING_URI={url}");
        await host.Out.WriteLineAsync("Press Ctrl+C to stop.");
        await host.Out.FlushAsync(ct);
        await server.WaitForShutdownAsync(ct);
    }

    private static Option<int?> DatabaseOption(string name, string description)
    {
        var option = new Option<int?>(name) { Description = description };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is < 1)
            {
                result.AddError($"{name} must be at least 1.");
            }
        });
        return option;
    }

    /// <summary>
    /// The --db-* flags become options in the URI's query string, the one place the PostgreSQL backend reads its
    /// settings from; appended last, they win over the same option written in the URI.
    /// </summary>
    internal static string? WithDatabaseSettings(string? backendStoreUri, IReadOnlyList<(string Option, int? Value)> settings)
    {
        var given = settings.Where(s => s.Value is not null).ToList();
        if (given.Count == 0)
        {
            return backendStoreUri;
        }
        if (backendStoreUri is null || !backendStoreUri.StartsWith("postgresql", StringComparison.OrdinalIgnoreCase))
        {
            throw new CliException("--db-pool-size, --db-connect-timeout and --db-command-timeout apply only to a postgresql:// --backend-store-uri");
        }
        var query = string.Join('&', given.Select(s =>
            $"{Uri.EscapeDataString(s.Option)}={s.Value!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)}"));
        return backendStoreUri + (backendStoreUri.Contains('?', StringComparison.Ordinal) ? "&" : "?") + query;
    }

    internal static bool IsLoopback(string host)
    {
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address);
    }

    /// <summary>Kestrel's URL syntax wants IPv6 literals in brackets.</summary>
    private static string UrlHost(string host) =>
        IPAddress.TryParse(host, out var address) && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? $"[{host}]"
            : host;
}
