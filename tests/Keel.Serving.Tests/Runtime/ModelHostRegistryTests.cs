using System.Collections.Concurrent;
using Keel.Client;
using Keel.Contracts.Mlflow;
using Keel.Core.Common;
using Keel.Core.Models;
using Keel.Serving.Runtime;
using Keel.Serving.Tests.Support;
using Keel.Testing;

namespace Keel.Serving.Tests.Runtime;

/// <summary><see cref="ModelHost"/> over <see cref="RegistryModelSource"/> against a real Keel server, following an alias.</summary>
public sealed class ModelHostRegistryTests(ClientServerFixture fixture) : IClassFixture<ClientServerFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly PatientRow[] _probe = ServingModels.Rows(16, seed: 31);
    private KeelClient Client => fixture.Client;

    [Fact]
    public async Task HotSwap_AliasMovesTenTimesUnderLoad_NoRequestFailsAndEachAnswerMatchesItsVersion()
    {
        var ct = TestContext.Current.CancellationToken;
        var name = $"hot-{Guid.NewGuid():N}";
        await ServingModels.RegisterAsync(Client, name, ct: ct);
        await Client.SetRegisteredModelAliasAsync(name, "champion", 1, ct);
        var expected = new Dictionary<string, float[]>
        {
            ["1"] = await ProbabilitiesAsync($"models:/{name}/1", ct),
            ["2"] = await ProbabilitiesAsync($"models:/{name}/2", ct),
        };
        Assert.True(Math.Abs(expected["1"][0] - expected["2"][0]) > 0.1, "the two versions are told apart by their answers");
        await using var host = await StartAsync($"models:/{name}@champion", ct);
        Assert.Equal(name, host.Current!.ModelName);
        Assert.Equal("onnx", host.Current.Flavor);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var failures = new ConcurrentQueue<Exception>();
        var answered = new ConcurrentDictionary<string, int>();
        var load = Enumerable.Range(0, 6).Select(worker => Task.Run(async () =>
        {
            var random = new Random(worker);
            while (!stop.IsCancellationRequested)
            {
                var start = random.Next(_probe.Length - 4);
                var count = random.Next(1, 5);
                try
                {
                    var result = await host.ScoreAsync(ServingModels.Batch(_probe.Skip(start).Take(count)), CancellationToken.None);
                    var actual = result.Outputs["Probability"].As<float>();
                    var want = expected[result.Version.Version].AsSpan(start, count).ToArray();
                    if (actual.Zip(want).Any(p => Math.Abs(p.First - p.Second) > 1e-5))
                    {
                        throw new InvalidOperationException($"version {result.Version.Version} answered [{string.Join(", ", actual)}], expected [{string.Join(", ", want)}]");
                    }
                    answered.AddOrUpdate(result.Version.Version, 1, (_, n) => n + 1);
                }
                catch (Exception e)
                {
                    failures.Enqueue(e);
                }
            }
        }, CancellationToken.None)).ToList();

        try
        {
            for (var move = 1; move <= 10; move++)
            {
                var target = move % 2 == 1 ? 2 : 1;
                await Client.SetRegisteredModelAliasAsync(name, "champion", target, ct);
                await WaitUntil(() => host.Current!.Version == target.ToString(System.Globalization.CultureInfo.InvariantCulture), $"move {move} to version {target}");
                await Task.Delay(50, ct);
            }
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(load);
        }

        Assert.Empty(failures);
        Assert.True(answered.GetValueOrDefault("1") > 0 && answered.GetValueOrDefault("2") > 0, $"answers by version: {string.Join(", ", answered)}");
    }

    [Fact]
    public async Task Polling_AliasMovedToPickleOnlyVersion_OldVersionKeepsServingUntilALoadableOne()
    {
        var ct = TestContext.Current.CancellationToken;
        var name = $"pickle-{Guid.NewGuid():N}";
        await ServingModels.RegisterAsync(Client, name, exportOnnx: false, ct);
        var pickled = await ServingModels.RegisterPickleOnlyAsync(Client, name, ct);
        await Client.SetRegisteredModelAliasAsync(name, "champion", 1, ct);
        var logger = new RecordingLogger();
        await using var host = await StartAsync($"models:/{name}@champion", ct, logger);

        await Client.SetRegisteredModelAliasAsync(name, "champion", pickled, ct);
        await WaitUntil(() => logger.Entries.Count(e => e.Exception is KeelException { Code: ErrorCode.InvalidState }) >= 2, "two failed reloads");

        Assert.Equal("1", host.Current!.Version);
        var result = await host.ScoreAsync(ServingModels.Batch(_probe.Take(3)), ct);
        Assert.Equal("1", result.Version.Version);
        Assert.Equal(3, result.Outputs.RowCount);
        await Client.SetRegisteredModelAliasAsync(name, "champion", 2, ct);
        await WaitUntil(() => host.Current!.Version == "2", "the alias's next loadable version");
    }

    [Fact]
    public async Task StartAsync_UnknownModelOrPickleOnlyVersion_FailsWithTheReason()
    {
        var ct = TestContext.Current.CancellationToken;
        var name = $"start-{Guid.NewGuid():N}";
        await Client.CreateRegisteredModelAsync(name, ct: ct);
        var pickled = await ServingModels.RegisterPickleOnlyAsync(Client, name, ct);

        var unknown = await Assert.ThrowsAsync<KeelApiException>(() => StartAsync($"models:/no-such-{name}@champion", ct));
        var unloadable = await Assert.ThrowsAsync<KeelException>(() => StartAsync($"models:/{name}/{pickled}", ct));

        Assert.Equal(ErrorCodes.ResourceDoesNotExist, unknown.ErrorCode);
        Assert.Equal(ErrorCode.InvalidState, unloadable.Code);
    }

    [Fact]
    public async Task ResolveAsync_RunsUri_NamesTheModelAfterItsPathAndVersionsItByRun()
    {
        var ct = TestContext.Current.CancellationToken;
        var (model, schema) = ServingModels.Model(1);
        await using var run = await Client.StartRunAsync(runName: "unregistered", ct: ct);
        await Keel.Client.Models.KeelModelLogging.LogModelAsync(run, model, schema, new Keel.Client.Models.LogModelOptions { ArtifactPath = "classifier" }, ct);

        var resolved = await new RegistryModelSource(Client, $"runs:/{run.RunId}/classifier").ResolveAsync(ct);

        Assert.Equal("classifier", resolved.ModelName);
        Assert.Equal(run.RunId, resolved.Version);
        Assert.Equal(run.RunId, resolved.RunId);
    }

    private Task<ModelHost> StartAsync(string modelUri, CancellationToken ct, RecordingLogger? logger = null) => ModelHost.StartAsync(
        new RegistryModelSource(Client, modelUri),
        new ServingOptions { ModelUri = modelUri, MaxBatchSize = 16, MaxBatchDelay = TimeSpan.FromMilliseconds(2), ReloadInterval = TimeSpan.FromMilliseconds(100) },
        logger: logger,
        ct: ct);

    private async Task<float[]> ProbabilitiesAsync(string modelUri, CancellationToken ct)
    {
        using var model = await Keel.Client.Models.KeelModelLoading.LoadModelAsync(Client, modelUri, ct);
        return model.Predict(ServingModels.Batch(_probe))["Probability"].As<float>();
    }

    private static async Task WaitUntil(Func<bool> condition, string what)
    {
        var started = TimeProvider.System.GetTimestamp();
        while (!condition())
        {
            Assert.True(TimeProvider.System.GetElapsedTime(started) < Timeout, $"timed out waiting: {what}");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}
