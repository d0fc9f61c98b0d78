using Keel.Core.Common;
using Keel.Serving.Runtime;
using Keel.Serving.Tests.Support;
using Keel.Testing;

namespace Keel.Serving.Tests.Runtime;

/// <summary>Swapping versions in <see cref="ModelHost"/>, over local packages (no server).</summary>
public sealed class ModelHostReloadTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly TempDirectory _packages = new("keel-reload");
    private readonly RecordingObserver _observer = new();
    private readonly LocalModelSource _source = new();

    public ModelHostReloadTests()
    {
        ServingModels.WritePackage(Path.Combine(_packages.Path, "v1"), version: 1);
        ServingModels.WritePackage(Path.Combine(_packages.Path, "v2"), version: 2);
        ServingModels.WritePickleOnlyPackage(Path.Combine(_packages.Path, "pickle"));
        _source.Add("1", Path.Combine(_packages.Path, "v1"))
            .Add("2", Path.Combine(_packages.Path, "v2"))
            .Add("3", Path.Combine(_packages.Path, "pickle"));
    }

    public void Dispose()
    {
        _observer.Dispose();
        _packages.Dispose();
    }

    [Fact]
    public async Task ReloadAsync_SourceMoved_InFlightRequestFinishesOnOldVersionWhichIsThenDisposed()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(TimeSpan.FromHours(1));
        _observer.Hold();
        // An idle batcher scores a lone request inline, so the held call must not block the test's own thread.
        var inFlight = Task.Run(() => host.ScoreAsync(ServingModels.Batch(ServingModels.Rows(2, seed: 1)), ct), ct);
        Assert.True(await _observer.WaitForCallAsync(Timeout));
        _source.MoveTo("2");

        var swapped = await host.ReloadAsync(ct);

        Assert.True(swapped);
        Assert.Equal("2", host.Current!.Version);
        var oldDirectory = _source.LoadedDirectories.Single(d => d.Version == "1").Directory;
        Assert.True(Directory.Exists(oldDirectory), "version 1 stays loaded while a request runs on it");
        _observer.Release();
        Assert.Equal("1", (await inFlight).Version.Version);
        Assert.Equal("2", (await host.ScoreAsync(ServingModels.Batch(ServingModels.Rows(1, seed: 2)), ct)).Version.Version);
        await WaitUntil(() => !Directory.Exists(oldDirectory), "version 1 is disposed after its last request");
    }

    [Fact]
    public async Task ReloadAsync_SameVersion_DoesNotReload()
    {
        await using var host = await StartAsync(TimeSpan.FromHours(1));

        Assert.False(await host.ReloadAsync(TestContext.Current.CancellationToken));
        Assert.Equal(1, _source.LoadCount);
    }

    [Fact]
    public async Task Polling_VersionFailsToLoad_OldVersionKeepsServingAndTheNextPollsRetry()
    {
        var ct = TestContext.Current.CancellationToken;
        var logger = new RecordingLogger();
        await using var host = await StartAsync(TimeSpan.FromMilliseconds(50), logger);

        _source.MoveTo("3");
        await WaitUntil(() => logger.Entries.Count(e => e.Exception is KeelException { Code: ErrorCode.InvalidState }) >= 2, "two failed reloads are logged");

        Assert.Equal("1", host.Current!.Version);
        Assert.Equal("1", (await host.ScoreAsync(ServingModels.Batch(ServingModels.Rows(1, seed: 3)), ct)).Version.Version);
        _source.MoveTo("2");
        await WaitUntil(() => host.Current!.Version == "2", "the next good version is picked up");
    }

    [Fact]
    public async Task StartAsync_PickleOnlyPackage_FailsWithTheLoadersReason()
    {
        _source.MoveTo("3");

        var error = await Assert.ThrowsAsync<KeelException>(() => StartAsync(TimeSpan.FromHours(1)));

        Assert.Equal(ErrorCode.InvalidState, error.Code);
    }

    [Fact]
    public void NameFromPath_RunsAndArtifactUris_TakeTheLastSegmentOrModel()
    {
        Assert.Equal("classifier", RegistryModelSource.NameFromPath("runs:/abc123/classifier"));
        Assert.Equal("model", RegistryModelSource.NameFromPath("runs:/abc123"));
        Assert.Equal("model", RegistryModelSource.NameFromPath("runs:/abc123/"));
        Assert.Equal("inner", RegistryModelSource.NameFromPath("mlflow-artifacts:/1/abc/artifacts/outer/inner"));
    }

    private Task<ModelHost> StartAsync(TimeSpan reloadInterval, RecordingLogger? logger = null) => ModelHost.StartAsync(
        _source,
        new ServingOptions { ModelUri = "models:/local@champion", MaxBatchSize = 8, MaxBatchDelay = TimeSpan.FromMilliseconds(1), ReloadInterval = reloadInterval },
        logger: logger,
        observer: _observer,
        ct: TestContext.Current.CancellationToken);

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
