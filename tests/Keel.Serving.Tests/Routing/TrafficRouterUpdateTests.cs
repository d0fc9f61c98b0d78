using System.Collections.Concurrent;
using Keel.Core.Deployments;
using Keel.Serving.Routing;

namespace Keel.Serving.Tests.Routing;

/// <summary><see cref="TrafficRouter.UpdateAsync"/>: route changes while requests keep coming.</summary>
public sealed class TrafficRouterUpdateTests : IDisposable
{
    private readonly RoutingHosts _hosts = new(maxBatchSize: 16);

    public void Dispose() => _hosts.Dispose();

    [Fact]
    public async Task UpdateAsync_UnderLoad_NoRequestFailsAndEachSpecTakesOverAtOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var router = await _hosts.RouterAsync(RoutingHosts.Spec(null, new TrafficRoute("stable", RoutingHosts.V1, 100)));
        var batches = RoutingHosts.Requests(32, seed: 6);
        var failures = new ConcurrentQueue<Exception>();
        var answered = 0;
        using var stop = new CancellationTokenSource();
        var load = Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            for (var i = worker; !stop.IsCancellationRequested; i++)
            {
                try
                {
                    var result = await router.ScoreAsync(batches[i % batches.Length], ct);
                    Assert.Equal(result.Route!.StartsWith("v1", StringComparison.Ordinal) || result.Route == "stable" ? "1" : "2", result.Version.Version);
                    Interlocked.Increment(ref answered);
                }
                catch (Exception e)
                {
                    failures.Enqueue(e);
                }
            }
        }, ct)).ToList();

        var specs = new[]
        {
            RoutingHosts.Spec(null, new TrafficRoute("stable", RoutingHosts.V1, 50), new TrafficRoute("v2-canary", RoutingHosts.V2, 50)),
            RoutingHosts.Spec(null, new TrafficRoute("v2-only", RoutingHosts.V2, 100)),
            RoutingHosts.Spec(null, new TrafficRoute("v1-back", RoutingHosts.V1, 100), new TrafficRoute("v2-off", RoutingHosts.V2, 0)),
        };
        foreach (var spec in specs)
        {
            await WaitForAnswersAsync(() => Volatile.Read(ref answered), 200);
            await router.UpdateAsync(spec, ct);
            for (var i = 0; i < 20; i++)
            {
                Assert.Contains((await router.ScoreAsync(batches[i], ct)).Route, spec.Routes.Where(r => r.Weight > 0).Select(r => r.Name));
            }
        }
        await WaitForAnswersAsync(() => Volatile.Read(ref answered), 200);
        await stop.CancelAsync();
        await Task.WhenAll(load);

        Assert.Empty(failures);
        // v1, then v2 (kept through the second and third spec), then v1 again after the second spec dropped it.
        Assert.Equal([RoutingHosts.V1, RoutingHosts.V2, RoutingHosts.V1], _hosts.Started.Select(s => s.Uri));
        var dropped = _hosts.Started.First().Host;
        await Assert.ThrowsAsync<ObjectDisposedException>(() => dropped.ScoreAsync(batches[0], ct));
        Assert.Equal(["v1-back", "v2-off"], router.Spec.Routes.Select(r => r.Name));
    }

    [Fact]
    public async Task UpdateAsync_NewHostFailsToStart_OldSpecKeepsServing()
    {
        var ct = TestContext.Current.CancellationToken;
        var original = RoutingHosts.Spec(null, new TrafficRoute("stable", RoutingHosts.V1, 100));
        await using var router = await _hosts.RouterAsync(original);

        await Assert.ThrowsAsync<InvalidOperationException>(() => router.UpdateAsync(
            RoutingHosts.Spec(null, new TrafficRoute("stable", RoutingHosts.V1, 50), new TrafficRoute("bad", RoutingHosts.Missing, 50)), ct));

        Assert.Same(original, router.Spec);
        Assert.Equal("stable", (await router.ScoreAsync(RoutingHosts.Requests(1, 1)[0], ct)).Route);
    }

    [Fact]
    public async Task UpdateAsync_InFlightRequestOnDroppedHost_FinishesBeforeTheHostIsDisposed()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var router = await _hosts.RouterAsync(RoutingHosts.Spec(null, new TrafficRoute("slow", RoutingHosts.Slow, 100)));
        _hosts.SlowObserver.Hold();
        // Unbatched hosts score on the caller's thread, so the held call must not block the test's own thread.
        var inFlight = Task.Run(() => router.ScoreAsync(RoutingHosts.Requests(1, 2)[0], ct), ct);
        Assert.True(await _hosts.SlowObserver.WaitForCallAsync(TimeSpan.FromSeconds(30)));

        var update = router.UpdateAsync(RoutingHosts.Spec(null, new TrafficRoute("stable", RoutingHosts.V1, 100)), ct);
        await WaitUntilAsync(() => router.Spec.Routes[0].Name == "stable");

        Assert.Equal("stable", (await router.ScoreAsync(RoutingHosts.Requests(1, 3)[0], ct)).Route);
        Assert.False(update.IsCompleted, "the old host is kept until its request has finished");
        _hosts.SlowObserver.Release();
        Assert.Equal("slow", (await inFlight).Route);
        await update;
        var slowDirectory = _hosts.Source(RoutingHosts.Slow).LoadedDirectories.Single().Directory;
        Assert.False(Directory.Exists(slowDirectory), "the dropped host is disposed");
    }

    private static async Task WaitForAnswersAsync(Func<int> answered, int more)
    {
        var target = answered() + more;
        await WaitUntilAsync(() => answered() >= target);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = Environment.TickCount64 + 30_000;
        while (!condition())
        {
            Assert.True(Environment.TickCount64 < deadline, "timed out");
            await Task.Delay(5, TestContext.Current.CancellationToken);
        }
    }
}
