using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Keel.Testing;

namespace Keel.EndToEnd.Tests.ScaleOut;

/// <summary>
/// Issue 6: PostgreSQL stopped and started again under sustained log-batch load. While it is away requests fail fast
/// with 503 and Retry-After; afterwards they succeed again without a restart of Keel, which never exits; and every
/// acknowledged metric point is stored exactly once.
/// </summary>
public sealed class PostgresOutageTests
{
    private const int Clients = 2;
    private const int Keys = 5;
    private const int Steps = 10;
    private const int ConnectTimeoutSeconds = 2;
    // Trust auth ignores it, so it serves only to show that no message leaks it.
    private const string Password = "pw-must-not-leak-5e1d";

    // Slack over the connect timeout for a loaded two-core machine; a hang would take the client's 30 s.
    private static readonly TimeSpan MaxRequestTime = TimeSpan.FromSeconds(ConnectTimeoutSeconds + 5);

    [Fact]
    public async Task Issue_6_LogBatch_PostgresStoppedAndStarted_Answers503ThenRecoversWithEveryAcknowledgedPointOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await PostgresCluster.StartAsync(ct);
        using var data = new TempDirectory("keel-outage");
        var database = $"127.0.0.1:{cluster.Port.ToString(CultureInfo.InvariantCulture)}/postgres";
        await using var server = await KeelServerProcess.StartAsync(ScaleOutHttp.KeelDll, data.Path,
            ["--backend-store-uri", $"postgresql://postgres:{Password}@{database}", "--db-connect-timeout", $"{ConnectTimeoutSeconds}",
                "--db-pool-size", "8", "--db-command-timeout", "10"], ct);
        using var probe = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var runIds = new string[Clients];
        for (var i = 0; i < Clients; i++)
        {
            runIds[i] = await probe.CreateRunAsync("0", $"outage-{i}");
        }

        var load = new LoadRecord();
        using var stopLoad = new CancellationTokenSource();
        var loops = runIds.Select(runId => Task.Run(() => LoadAsync(server.BaseAddress, runId, load, stopLoad.Token), ct)).ToArray();
        HttpStatusCode readyWhileDown, liveWhileDown;
        try
        {
            await WaitForAsync(() => Task.FromResult(load.Acknowledged.Count >= 10), "10 acknowledged batches before the outage", ct);

            await cluster.StopAsync(ct);
            await Task.Delay(1500, ct);
            readyWhileDown = await StatusAsync(probe, "health/ready", ct);
            liveWhileDown = await StatusAsync(probe, "health/live", ct);
            await Task.Delay(1500, ct);
            var acknowledgedWhileDown = load.Acknowledged.Count;
            await cluster.StartAgainAsync(ct);

            await WaitForAsync(async () => await StatusAsync(probe, "health/ready", ct) == HttpStatusCode.OK, "/health/ready to answer 200 again", ct);
            await WaitForAsync(() => Task.FromResult(load.Acknowledged.Count >= acknowledgedWhileDown + 10), "10 acknowledged batches after the restart", ct);
        }
        finally
        {
            await stopLoad.CancelAsync();
            await Task.WhenAll(loops);
        }

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{load.Acknowledged.Count} batches acknowledged, {load.Unavailable} answered 503; e.g. {load.UnavailableMessages.FirstOrDefault()}");
        Assert.Empty(load.Unexpected);
        Assert.True(load.Unavailable > 0, "no request saw the outage as 503");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, readyWhileDown);
        Assert.Equal(HttpStatusCode.OK, liveWhileDown);
        Assert.False(server.HasExited, $"keel server exited: {server.RecentOutput}");
        Assert.All(load.UnavailableMessages, m =>
        {
            Assert.Contains(database, m, StringComparison.Ordinal);
            Assert.DoesNotContain(Password, m, StringComparison.Ordinal);
        });

        foreach (var runId in runIds)
        {
            var expected = load.Acknowledged.Where(a => a.RunId == runId)
                .SelectMany(a => Enumerable.Range(a.Batch * Steps, Steps).Select(s => (long)s)).Order().ToList();
            foreach (var key in new[] { "k0", $"k{Keys - 1}" })
            {
                var stored = await ScaleOutHttp.HistoryStepsAsync(probe, runId, key);
                // Exactly once: no acknowledged point missing, none stored twice, nothing stored that was not acknowledged.
                Assert.Equal(expected, stored.Order().ToList());
            }
        }
    }

    /// <summary>
    /// One client: batches of distinct steps, each resent unchanged until acknowledged, as MLflow's client retries.
    /// Resending is what a client must do after a 503 whose commit may have happened; identical points collapse.
    /// </summary>
    private static async Task LoadAsync(Uri baseAddress, string runId, LoadRecord load, CancellationToken stop)
    {
        using var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        for (var batch = 0; !stop.IsCancellationRequested; batch++)
        {
            var body = ScaleOutHttp.LogBatchBody(runId, batch, Keys, Steps);
            // The current batch is finished even after the stop, so that stored and acknowledged points can match exactly.
            var since = Stopwatch.StartNew();
            while (!await SendOnceAsync(client, body, load))
            {
                if (since.Elapsed > TimeSpan.FromSeconds(30))
                {
                    load.Unexpected.Add($"batch {batch} of run {runId} not acknowledged within 30 s");
                    return;
                }
                // Shorter than Retry-After, to see more of the outage in a short test.
                await Task.Delay(200, CancellationToken.None);
            }
            load.Acknowledged.Add((runId, batch));
            await Task.Delay(20, CancellationToken.None);
        }
    }

    private static async Task<bool> SendOnceAsync(HttpClient client, string body, LoadRecord load)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            using var response = await ScaleOutHttp.PostLogBatchAsync(client, body, CancellationToken.None);
            var text = await response.Content.ReadAsStringAsync(CancellationToken.None);
            if (watch.Elapsed > MaxRequestTime)
            {
                load.Unexpected.Add($"{(int)response.StatusCode} after {watch.Elapsed.TotalSeconds:0.0} s");
            }
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return true;
            }
            var json = JsonNode.Parse(text);
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable && response.Headers.RetryAfter?.Delta is { } delay && delay > TimeSpan.Zero
                && (string?)json?["error_code"] == "TEMPORARILY_UNAVAILABLE")
            {
                Interlocked.Increment(ref load.Unavailable);
                load.UnavailableMessages.Add((string?)json["message"] ?? "");
            }
            else
            {
                load.Unexpected.Add($"{(int)response.StatusCode} Retry-After={response.Headers.RetryAfter}: {text}");
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            load.Unexpected.Add($"{e.GetType().Name} after {watch.Elapsed.TotalSeconds:0.0} s: {e.Message}");
        }
        return false;
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, string path, CancellationToken ct)
    {
        using var response = await client.GetAsync(path, ct);
        return response.StatusCode;
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, string what, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(20))
            {
                throw new TimeoutException($"waited 20 s for {what}");
            }
            await Task.Delay(100, ct);
        }
    }

    private sealed class LoadRecord
    {
        public readonly ConcurrentBag<(string RunId, int Batch)> Acknowledged = [];
        public readonly ConcurrentBag<string> UnavailableMessages = [];
        public readonly ConcurrentBag<string> Unexpected = [];
        public int Unavailable;
    }
}
