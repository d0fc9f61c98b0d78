using Keel.Core.Common;
using Keel.Core.Deployments;
using Keel.Serving.Routing;

namespace Keel.Serving.Tests.Routing;

/// <summary>Route choice in <see cref="TrafficRouter"/>, over real models scored directly (no HTTP).</summary>
public sealed class TrafficRouterTests : IDisposable
{
    private const int Requests = 10_000;
    private readonly RoutingHosts _hosts = new();

    public void Dispose() => _hosts.Dispose();

    [Fact]
    public async Task ScoreAsync_NinetyTenWithSeed_SplitHoldsWithinTwoPercentAndEachRouteServesItsVersion()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var router = await _hosts.RouterAsync(
            RoutingHosts.Spec(null, new TrafficRoute("stable", RoutingHosts.V1, 90), new TrafficRoute("canary", RoutingHosts.V2, 10)),
            new TrafficRouterOptions { Seed = 42 });
        var batch = RoutingHosts.Requests(1, seed: 1)[0];

        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < Requests; i++)
        {
            var result = await router.ScoreAsync(batch, ct);
            Assert.Equal(result.Route == "stable" ? "1" : "2", result.Version.Version);
            counts[result.Route!] = counts.GetValueOrDefault(result.Route!) + 1;
        }

        Assert.InRange(counts["stable"] / (double)Requests, 0.88, 0.92);
        Assert.InRange(counts["canary"] / (double)Requests, 0.08, 0.12);
    }

    [Fact]
    public async Task ScoreAsync_SameSeed_SameSequenceOfRoutes()
    {
        var ct = TestContext.Current.CancellationToken;
        var spec = RoutingHosts.Spec(null, new TrafficRoute("stable", RoutingHosts.V1, 50), new TrafficRoute("canary", RoutingHosts.V2, 50));
        var batch = RoutingHosts.Requests(1, seed: 1)[0];
        var sequences = new List<string>();
        for (var run = 0; run < 2; run++)
        {
            await using var router = await _hosts.RouterAsync(spec, new TrafficRouterOptions { Seed = 7 });
            var routes = new List<string>();
            for (var i = 0; i < 200; i++)
            {
                routes.Add((await router.ScoreAsync(batch, ct)).Route!);
            }
            sequences.Add(string.Join(",", routes));
        }

        Assert.Equal(sequences[0], sequences[1]);
    }

    [Fact]
    public async Task ScoreAsync_StickyKey_SameKeyAlwaysSameRouteAndDistinctKeysSplitByWeight()
    {
        var ct = TestContext.Current.CancellationToken;
        var spec = RoutingHosts.Spec("X-User", new TrafficRoute("stable", RoutingHosts.V1, 90), new TrafficRoute("canary", RoutingHosts.V2, 10));
        await using var router = await _hosts.RouterAsync(spec);
        var batch = RoutingHosts.Requests(1, seed: 2)[0];
        Assert.Equal("X-User", router.RoutingHeader);

        var first = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < Requests; i++)
        {
            var key = $"user-{i}";
            first[key] = (await router.ScoreAsync(batch, key, ct)).Route!;
        }
        for (var i = 0; i < Requests; i += 7)
        {
            var key = $"user-{i}";
            Assert.Equal(first[key], (await router.ScoreAsync(batch, key, ct)).Route);
        }

        Assert.InRange(first.Values.Count(r => r == "stable") / (double)Requests, 0.88, 0.92);
    }

    [Fact]
    public async Task ScoreAsync_StickyKey_SameRouteAcrossRoutersWithTheSameWeights()
    {
        var ct = TestContext.Current.CancellationToken;
        var spec = RoutingHosts.Spec("X-User", new TrafficRoute("stable", RoutingHosts.V1, 50), new TrafficRoute("canary", RoutingHosts.V2, 50));
        var batch = RoutingHosts.Requests(1, seed: 3)[0];
        var keys = Enumerable.Range(0, 100).Select(i => $"session-{i}").ToList();

        var answers = new List<List<string>>();
        foreach (var seed in new[] { 1, 2 })
        {
            // A different seed changes random routing only; keyed routing depends on the key and the weights alone.
            await using var router = await _hosts.RouterAsync(spec, new TrafficRouterOptions { Seed = seed });
            var routes = new List<string>();
            foreach (var key in keys)
            {
                routes.Add((await router.ScoreAsync(batch, key, ct)).Route!);
            }
            answers.Add(routes);
        }

        Assert.Equal(answers[0], answers[1]);
        Assert.Contains("stable", answers[0]);
        Assert.Contains("canary", answers[0]);
    }

    [Fact]
    public async Task ScoreAsync_ZeroWeightRoute_NeverAnswersRandomOrKeyed()
    {
        var ct = TestContext.Current.CancellationToken;
        var spec = RoutingHosts.Spec("X-User",
            new TrafficRoute("off-first", RoutingHosts.V2, 0),
            new TrafficRoute("stable", RoutingHosts.V1, 1),
            new TrafficRoute("off-middle", RoutingHosts.V2, 0),
            new TrafficRoute("canary", RoutingHosts.V1, 1),
            new TrafficRoute("off-last", RoutingHosts.V2, 0));
        await using var router = await _hosts.RouterAsync(spec, new TrafficRouterOptions { Seed = 5 });
        var batch = RoutingHosts.Requests(1, seed: 4)[0];

        var routes = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 2_000; i++)
        {
            routes.Add((await router.ScoreAsync(batch, ct)).Route!);
            routes.Add((await router.ScoreAsync(batch, $"key-{i}", ct)).Route!);
        }

        Assert.Equal(["canary", "stable"], routes.Order(StringComparer.Ordinal));
        Assert.Equal(2, _hosts.Started.Count);
    }

    [Fact]
    public async Task Current_IsTheHeaviestRoutesVersion()
    {
        await using var router = await _hosts.RouterAsync(
            RoutingHosts.Spec(null, new TrafficRoute("canary", RoutingHosts.V1, 10), new TrafficRoute("stable", RoutingHosts.V2, 90)));

        Assert.Equal("2", router.Current!.Version);
        Assert.Equal(RoutingHosts.ModelName, router.Current.ModelName);
    }

    [Theory]
    [InlineData(0.0, 0.0)]
    [InlineData(-1.0, 2.0)]
    [InlineData(double.NaN, 1.0)]
    [InlineData(double.PositiveInfinity, 1.0)]
    public async Task StartAsync_BadWeights_RefusedBeforeAnyHostStarts(double first, double second)
    {
        var error = await Assert.ThrowsAsync<KeelException>(() => _hosts.RouterAsync(
            RoutingHosts.Spec(null, new TrafficRoute("a", RoutingHosts.V1, first), new TrafficRoute("b", RoutingHosts.V2, second))));

        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
        Assert.Empty(_hosts.Started);
    }

    [Fact]
    public async Task StartAsync_DuplicateRouteName_Refused()
    {
        var spec = new DeploymentSpec("d", [new TrafficRoute("a", RoutingHosts.V1, 1)], [new ShadowRoute("a", RoutingHosts.V2)]);

        var error = await Assert.ThrowsAsync<KeelException>(() => _hosts.RouterAsync(spec));

        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
    }

    [Fact]
    public async Task StartAsync_OneHostFails_TheOthersAreDisposed()
    {
        var spec = RoutingHosts.Spec(null, new TrafficRoute("a", RoutingHosts.V1, 1), new TrafficRoute("b", RoutingHosts.Missing, 1));

        await Assert.ThrowsAsync<InvalidOperationException>(() => _hosts.RouterAsync(spec));

        var (_, host) = Assert.Single(_hosts.Started);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => host.ScoreAsync(RoutingHosts.Requests(1, 1)[0], TestContext.Current.CancellationToken));
    }
}
