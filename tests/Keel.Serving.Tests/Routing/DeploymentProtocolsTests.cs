using System.Net;
using Grpc.Core;
using Grpc.Net.Client;
using Keel.Core.Deployments;
using Keel.Serving.Grpc.Protocol;
using Keel.Serving.Routing;
using Keel.Serving.Tests.Http;

namespace Keel.Serving.Tests.Routing;

/// <summary>
/// A deployment served over every protocol at once (real Kestrel on loopback, the client generated from the Open
/// Inference Protocol's .proto): the sticky key picks the same route over REST and gRPC, gRPC names the answering
/// model, version and route as REST does, and a version is described and scored by the route that serves it.
/// </summary>
public sealed class DeploymentProtocolsTests : IDisposable
{
    private const string StickyHeader = "X-User";
    private const string Body = """{"dataframe_split": {"columns": ["Age", "Dose", "Marker"], "data": [[5.0, 2.0, 0.5]]}}""";
    private readonly RoutingHosts _hosts = new();

    public void Dispose() => _hosts.Dispose();

    [Fact]
    public async Task ModelInfer_StickyKeyInMetadata_LandsOnTheRouteRestPicksForTheSameKey()
    {
        await using var served = await ServeAsync(Canary());
        var restRoutes = new HashSet<string>(StringComparer.Ordinal);

        for (var i = 0; i < 150; i++)
        {
            var key = $"user-{i}";
            using var request = new HttpRequestMessage(HttpMethod.Post, "/invocations") { Content = new StringContent(Body, System.Text.Encoding.UTF8, "application/json") };
            request.Headers.Add(StickyHeader, key);
            using var rest = await served.Host.Client.SendAsync(request, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, rest.StatusCode);
            var restRoute = rest.Header("X-Keel-Route")!;

            // The deployment names the header X-User; gRPC metadata carries it lower-cased.
            using var call = served.Grpc.ModelInferAsync(
                InferRequest(version: ""), new Metadata { { "x-user", key } }, cancellationToken: TestContext.Current.CancellationToken);
            var answer = await call;
            var headers = await call.ResponseHeadersAsync;

            Assert.Equal(restRoute, headers.GetValue("x-keel-route"));
            Assert.Equal(rest.Header("X-Keel-Model-Version"), headers.GetValue("x-keel-model-version"));
            Assert.Equal(answer.ModelVersion, headers.GetValue("x-keel-model-version"));
            Assert.Equal(RoutingHosts.ModelName, headers.GetValue("x-keel-model"));
            Assert.Equal(restRoute == "stable" ? "1" : "2", answer.ModelVersion);
            restRoutes.Add(restRoute);
        }

        Assert.Equal(["canary", "stable"], restRoutes.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ModelInfer_NoStickyKey_StillNamesModelVersionAndRoute()
    {
        await using var served = await ServeAsync(Canary());

        using var call = served.Grpc.ModelInferAsync(InferRequest(version: ""), cancellationToken: TestContext.Current.CancellationToken);
        var answer = await call;
        var headers = await call.ResponseHeadersAsync;

        Assert.Equal(RoutingHosts.ModelName, headers.GetValue("x-keel-model"));
        Assert.Equal(answer.ModelVersion, headers.GetValue("x-keel-model-version"));
        Assert.Equal(answer.ModelVersion == "1" ? "stable" : "canary", headers.GetValue("x-keel-route"));
    }

    [Theory]
    [InlineData("1", "stable")]
    [InlineData("2", "canary")]
    public async Task VersionPaths_EachServedVersion_DescribedAndScoredByItsRoute(string version, string route)
    {
        await using var served = await ServeAsync(Canary());
        var path = $"/v2/models/{RoutingHosts.ModelName}/versions/{version}";
        var ct = TestContext.Current.CancellationToken;

        using var metadata = await served.Host.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, metadata.StatusCode);
        Assert.Equal(version, (await metadata.JsonAsync())["versions"]!.AsArray().Single()!.GetValue<string>());
        Assert.Equal(route, metadata.Header("X-Keel-Route"));
        using var ready = await served.Host.GetAsync(path + "/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal(route, ready.Header("X-Keel-Route"));

        using var grpcMetadata = served.Grpc.ModelMetadataAsync(
            new ModelMetadataRequest { Name = RoutingHosts.ModelName, Version = version }, cancellationToken: ct);
        Assert.Equal([version], (await grpcMetadata).Versions);
        Assert.Equal(route, (await grpcMetadata.ResponseHeadersAsync).GetValue("x-keel-route"));
        Assert.True((await served.Grpc.ModelReadyAsync(new ModelReadyRequest { Name = RoutingHosts.ModelName, Version = version }, cancellationToken: ct)).Ready);

        // A request naming the version goes to its route whatever the sticky key would pick.
        for (var i = 0; i < 20; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path + "/infer") { Content = new StringContent(OipBody, System.Text.Encoding.UTF8, "application/json") };
            request.Headers.Add(StickyHeader, $"user-{i}");
            using var rest = await served.Host.Client.SendAsync(request, ct);
            Assert.Equal(HttpStatusCode.OK, rest.StatusCode);
            Assert.Equal(route, rest.Header("X-Keel-Route"));
            Assert.Equal(version, rest.Header("X-Keel-Model-Version"));

            using var call = served.Grpc.ModelInferAsync(InferRequest(version), new Metadata { { "x-user", $"user-{i}" } }, cancellationToken: ct);
            Assert.Equal(version, (await call).ModelVersion);
            Assert.Equal(route, (await call.ResponseHeadersAsync).GetValue("x-keel-route"));
        }
    }

    [Theory]
    [InlineData("3")]
    [InlineData("2")] // loaded, but its route takes no traffic
    public async Task VersionPaths_VersionNoRouteServes_404AndNotFoundNamingIt(string version)
    {
        await using var served = await ServeAsync(RoutingHosts.Spec(
            StickyHeader, new TrafficRoute("stable", RoutingHosts.V1, 100), new TrafficRoute("dark", RoutingHosts.V2, 0)));
        var path = $"/v2/models/{RoutingHosts.ModelName}/versions/{version}";
        var ct = TestContext.Current.CancellationToken;

        foreach (var response in new[] { await served.Host.GetAsync(path), await served.Host.GetAsync(path + "/ready"), await served.Host.PostJsonAsync(path + "/infer", OipBody) })
        {
            using (response)
            {
                Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
                var error = (await response.JsonAsync())["error"]!.GetValue<string>();
                Assert.Contains($"'{version}'", error, StringComparison.Ordinal);
                Assert.Contains("'1' (route 'stable')", error, StringComparison.Ordinal);
            }
        }

        var calls = new Func<Task>[]
        {
            () => served.Grpc.ModelMetadataAsync(new ModelMetadataRequest { Name = RoutingHosts.ModelName, Version = version }, cancellationToken: ct).ResponseAsync,
            () => served.Grpc.ModelReadyAsync(new ModelReadyRequest { Name = RoutingHosts.ModelName, Version = version }, cancellationToken: ct).ResponseAsync,
            () => served.Grpc.ModelInferAsync(InferRequest(version), cancellationToken: ct).ResponseAsync,
        };
        foreach (var call in calls)
        {
            var error = await Assert.ThrowsAsync<RpcException>(call);
            Assert.Equal(StatusCode.NotFound, error.StatusCode);
            Assert.Contains($"'{version}'", error.Status.Detail, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Metadata_NoVersion_DescribesTheHeaviestRoute()
    {
        await using var served = await ServeAsync(RoutingHosts.Spec(
            StickyHeader, new TrafficRoute("canary", RoutingHosts.V1, 10), new TrafficRoute("stable", RoutingHosts.V2, 90)));

        using var metadata = await served.Host.GetAsync($"/v2/models/{RoutingHosts.ModelName}");
        using var grpc = served.Grpc.ModelMetadataAsync(new ModelMetadataRequest { Name = RoutingHosts.ModelName }, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("2", (await metadata.JsonAsync())["versions"]!.AsArray().Single()!.GetValue<string>());
        Assert.Equal("stable", metadata.Header("X-Keel-Route"));
        Assert.Equal(["2"], (await grpc).Versions);
        Assert.Equal("stable", (await grpc.ResponseHeadersAsync).GetValue("x-keel-route"));
    }

    private const string OipBody =
        """{"inputs": [{"name": "Age", "shape": [1], "datatype": "FP32", "data": [5.0]}, {"name": "Dose", "shape": [1], "datatype": "FP32", "data": [2.0]}, {"name": "Marker", "shape": [1], "datatype": "FP32", "data": [0.5]}]}""";

    private static DeploymentSpec Canary() =>
        RoutingHosts.Spec(StickyHeader, new TrafficRoute("stable", RoutingHosts.V1, 50), new TrafficRoute("canary", RoutingHosts.V2, 50));

    private static ModelInferRequest InferRequest(string version)
    {
        var request = new ModelInferRequest { ModelName = RoutingHosts.ModelName, ModelVersion = version };
        foreach (var (name, value) in new[] { ("Age", 5f), ("Dose", 2f), ("Marker", 0.5f) })
        {
            request.Inputs.Add(new ModelInferRequest.Types.InferInputTensor
            {
                Name = name,
                Datatype = "FP32",
                Shape = { 1 },
                Contents = new InferTensorContents { Fp32Contents = { value } },
            });
        }
        return request;
    }

    private async Task<Served> ServeAsync(DeploymentSpec spec)
    {
        var router = await _hosts.RouterAsync(spec);
        var host = await ServingHost.StartAsync(
            new ServingOptions { ModelUri = "deployment:churn-deploy", Host = "127.0.0.1", Port = 0, GrpcPort = 0 }, router);
        return new Served(router, host, GrpcChannel.ForAddress(host.Addresses.Grpc!));
    }

    private sealed class Served(TrafficRouter router, ServingHost host, GrpcChannel channel) : IAsyncDisposable
    {
        public ServingHost Host => host;

        public GRPCInferenceService.GRPCInferenceServiceClient Grpc { get; } = new(channel);

        public async ValueTask DisposeAsync()
        {
            channel.Dispose();
            await host.DisposeAsync();
            await router.DisposeAsync();
        }
    }
}
