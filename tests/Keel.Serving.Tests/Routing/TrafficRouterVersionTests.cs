using Keel.Core.Common;
using Keel.Core.Deployments;

namespace Keel.Serving.Tests.Routing;

/// <summary>Finding and scoring on the route that serves a version, in <see cref="Serving.Routing.TrafficRouter"/> (no HTTP).</summary>
public sealed class TrafficRouterVersionTests : IDisposable
{
    private readonly RoutingHosts _hosts = new();

    public void Dispose() => _hosts.Dispose();

    [Fact]
    public async Task Served_RoutesWithTrafficHeaviestFirst_ZeroWeightAndShadowsLeftOut()
    {
        var spec = new DeploymentSpec("churn-deploy",
            [new TrafficRoute("canary", RoutingHosts.V2, 10), new TrafficRoute("dark", RoutingHosts.V2, 0), new TrafficRoute("stable", RoutingHosts.V1, 90)],
            [new ShadowRoute("mirror", RoutingHosts.Broken)]);
        await using var router = await _hosts.RouterAsync(spec);

        Assert.Equal(["stable:1", "canary:2"], router.Served.Select(s => $"{s.Route}:{s.Version.Version}"));
    }

    [Fact]
    public async Task ScoreVersionAsync_ServedVersion_AlwaysItsRoute()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var router = await _hosts.RouterAsync(RoutingHosts.Spec(
            null, new TrafficRoute("stable", RoutingHosts.V1, 99), new TrafficRoute("canary", RoutingHosts.V2, 1)));
        var batch = RoutingHosts.Requests(1, seed: 6)[0];

        for (var i = 0; i < 50; i++)
        {
            var result = await router.ScoreVersionAsync(batch, RoutingHosts.ModelName, "2", ct);
            Assert.Equal("canary", result.Route);
            Assert.Equal("2", result.Version.Version);
        }
    }

    [Theory]
    [InlineData(RoutingHosts.ModelName, "2")] // its route has weight 0
    [InlineData(RoutingHosts.ModelName, "9")]
    [InlineData("other", "1")]
    public async Task ScoreVersionAsync_NothingServesIt_NotFoundNamingTheVersion(string model, string version)
    {
        await using var router = await _hosts.RouterAsync(RoutingHosts.Spec(
            null, new TrafficRoute("stable", RoutingHosts.V1, 1), new TrafficRoute("dark", RoutingHosts.V2, 0)));

        var error = await Assert.ThrowsAsync<KeelException>(() =>
            router.ScoreVersionAsync(RoutingHosts.Requests(1, seed: 6)[0], model, version, TestContext.Current.CancellationToken));

        Assert.Equal(ErrorCode.ResourceDoesNotExist, error.Code);
        Assert.Contains($"version '{version}' of model '{model}'", error.Message, StringComparison.Ordinal);
    }
}
