using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Keel.Testing;

/// <summary>
/// A private, throwaway PostgreSQL cluster on 127.0.0.1 that a test may stop and start again (on the same port)
/// to see what Keel does while its database is away. Trust auth, fsync off; the folder is removed on dispose.
/// As root (CI), PostgreSQL's tools run as the <c>postgres</c> user, since the server refuses to run as root.
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    private readonly string _bin;
    private readonly TempDirectory _root;
    private bool _running;

    private PostgresCluster(string bin, TempDirectory root, int port)
    {
        _bin = bin;
        _root = root;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The cluster's default database as a Keel backend store URI.</summary>
    public string Uri => DatabaseUri("postgres");

    private string DataDirectory => Path.Combine(_root.Path, "data");

    public string DatabaseUri(string database) => $"postgresql://postgres@127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/{database}";

    /// <summary>initdb into a fresh folder, then start on a free port; a few seconds.</summary>
    public static async Task<PostgresCluster> StartAsync(CancellationToken ct = default)
    {
        var bin = FindBin();
        var root = new TempDirectory("keel-pgcluster");
        var cluster = new PostgresCluster(bin, root, FreePort());
        try
        {
            if (IsRoot)
            {
                // initdb and the server run as postgres, which must own the folder it writes into.
                await RunAsync("chown", ["postgres:", root.Path], ct);
            }
            await cluster.PgAsync("initdb", ["-D", cluster.DataDirectory, "--auth=trust", "--username=postgres", "--encoding=UTF8", "--no-sync"], ct);
            await cluster.StartAgainAsync(ct);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the stopped cluster on its old port and waits until it accepts connections.</summary>
    public async Task StartAgainAsync(CancellationToken ct = default)
    {
        var options = $"-c listen_addresses=127.0.0.1 -p {Port.ToString(CultureInfo.InvariantCulture)} " +
            $"-c unix_socket_directories={_root.Path} -c fsync=off -c max_connections=200";
        await PgAsync("pg_ctl", ["start", "-w", "-t", "60", "-D", DataDirectory, "-l", Path.Combine(_root.Path, "server.log"), "-o", options], ct);
        _running = true;
    }

    /// <summary><c>pg_ctl stop -m fast</c>: open sessions are terminated (57P01), their transactions rolled back.</summary>
    public async Task StopAsync(CancellationToken ct = default)
    {
        await PgAsync("pg_ctl", ["stop", "-w", "-t", "60", "-m", "fast", "-D", DataDirectory], ct);
        _running = false;
    }

    public async Task CreateDatabaseAsync(string name, CancellationToken ct = default)
    {
        await using var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={Port.ToString(CultureInfo.InvariantCulture)};Username=postgres;Database=postgres;Pooling=false");
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_running)
        {
            try
            {
                await PgAsync("pg_ctl", ["stop", "-w", "-t", "30", "-m", "immediate", "-D", DataDirectory], CancellationToken.None);
            }
            catch (InvalidOperationException)
            {
                // Already down; the folder goes anyway.
            }
        }
        _root.Dispose();
    }

    private static bool IsRoot => Environment.UserName == "root";

    private Task PgAsync(string tool, IReadOnlyList<string> args, CancellationToken ct) =>
        IsRoot
            ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(_bin, tool), .. args], ct)
            : RunAsync(Path.Combine(_bin, tool), args, ct);

    private static async Task RunAsync(string file, IReadOnlyList<string> args, CancellationToken ct)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var error = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{file} {string.Join(' ', args)} exited with {process.ExitCode}: {await output}{await error}");
        }
    }

    // The newest installed major version, as scripts/services.sh picks it.
    private static string FindBin()
    {
        const string root = "/usr/lib/postgresql";
        var bin = Directory.Exists(root)
            ? Directory.GetDirectories(root)
                .Select(d => (Dir: d, Version: int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : -1))
                .Where(d => File.Exists(Path.Combine(d.Dir, "bin", "initdb")))
                .OrderByDescending(d => d.Version)
                .Select(d => Path.Combine(d.Dir, "bin"))
                .FirstOrDefault()
            : null;
        return bin ?? throw new InvalidOperationException(
            "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): run ./test.sh, which installs it, or apt-get install -y postgresql.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
