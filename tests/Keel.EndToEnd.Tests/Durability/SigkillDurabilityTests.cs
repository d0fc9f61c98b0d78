using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Keel.Testing;

namespace Keel.EndToEnd.Tests.Durability;

/// <summary>
/// Every metric a client got a 200 for survives a SIGKILL of the server in the middle of sustained log-batch load.
/// </summary>
public sealed class SigkillDurabilityTests
{
    private const int Clients = 4;
    private const int KeysPerBatch = 50;
    private const int StepsPerBatch = 20;

    private static string KeelDll => Path.Combine(AppContext.BaseDirectory, "keel.dll");

    [Fact]
    public async Task LogBatch_ServerKilledDuringLoad_LosesNoAcknowledgedMetric()
    {
        var ct = TestContext.Current.CancellationToken;
        using var data = new TempDirectory("keel-sigkill");
        var acknowledged = new ConcurrentBag<(string RunId, int Batch)>();
        string[] runIds;

        await using (var server = await KeelServerProcess.StartAsync(KeelDll, data.Path, ct))
        {
            using var client = new HttpClient { BaseAddress = server.BaseAddress };
            runIds = new string[Clients];
            for (var i = 0; i < Clients; i++)
            {
                runIds[i] = await client.CreateRunAsync("0", $"load-{i}");
            }

            using var stopLoad = new CancellationTokenSource();
            var loops = runIds.Select(runId => Task.Run(() => LoadAsync(server.BaseAddress, runId, acknowledged, stopLoad.Token), ct)).ToArray();
            // Let load build up, then pull the plug while requests are in flight.
            while (acknowledged.Count < 40)
            {
                await Task.Delay(50, ct);
            }
            await server.KillAsync();
            await stopLoad.CancelAsync();
            await Task.WhenAll(loops);
        }

        Assert.True(acknowledged.Count >= 40, $"only {acknowledged.Count} batches were acknowledged before the kill");

        await using var restarted = await KeelServerProcess.StartAsync(KeelDll, data.Path, ct);
        using var reader = new HttpClient { BaseAddress = restarted.BaseAddress };
        foreach (var runId in runIds)
        {
            var batches = acknowledged.Where(a => a.RunId == runId).Select(a => a.Batch).ToHashSet();
            var history = await reader.GetOkAsync($"metrics/get-history?run_id={runId}&metric_key=k0");
            var storedSteps = history["metrics"]?.AsArray().Select(m => (long)m!["step"]!).ToHashSet() ?? [];
            foreach (var batch in batches)
            {
                for (var s = 0; s < StepsPerBatch; s++)
                {
                    Assert.Contains((long)(batch * StepsPerBatch + s), storedSteps);
                }
            }
            // Every key of every acknowledged batch, not only k0: the last key's count must match too.
            var lastKey = await reader.GetOkAsync($"metrics/get-history?run_id={runId}&metric_key=k{KeysPerBatch - 1}");
            Assert.True((lastKey["metrics"]?.AsArray().Count ?? 0) >= batches.Count * StepsPerBatch);
        }
    }

    private static async Task LoadAsync(Uri baseAddress, string runId, ConcurrentBag<(string, int)> acknowledged, CancellationToken stop)
    {
        using var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(10) };
        for (var batch = 0; !stop.IsCancellationRequested; batch++)
        {
            var metrics = new List<object>(KeysPerBatch * StepsPerBatch);
            for (var s = 0; s < StepsPerBatch; s++)
            {
                for (var k = 0; k < KeysPerBatch; k++)
                {
                    var step = (long)(batch * StepsPerBatch + s);
                    metrics.Add(new { key = $"k{k}", value = step * 0.5 + k, timestamp = 1_000L + step, step });
                }
            }
            using var content = new StringContent(JsonSerializer.Serialize(new { run_id = runId, metrics }), Encoding.UTF8, "application/json");
            try
            {
                using var response = await client.PostAsync(MlflowHttp.Api + "runs/log-batch", content, CancellationToken.None);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    acknowledged.Add((runId, batch));
                }
            }
            catch (HttpRequestException)
            {
                return; // the server is gone
            }
            catch (TaskCanceledException)
            {
                return;
            }
        }
    }
}
