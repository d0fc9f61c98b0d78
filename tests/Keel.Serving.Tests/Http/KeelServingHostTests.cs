using System.Net;
using Grpc.Net.Client;
using Keel.Core.Common;
using Keel.Core.Models;
using Keel.Serving.Grpc.Protocol;
using Keel.Serving.Runtime;

namespace Keel.Serving.Tests.Http;

public sealed class KeelServingHostTests(ServingHostFixture fixture) : IClassFixture<ServingHostFixture>
{
    private const string Rows = """{"inputs": {"Age": [5.0], "Dose": [2.0], "Marker": [0.5]}}""";

    [Fact]
    public async Task Addresses_PortZero_ReportsTheBoundRestAndGrpcPorts()
    {
        var addresses = fixture.Host.Addresses;

        Assert.Equal("127.0.0.1", addresses.Rest.Host);
        Assert.NotEqual(0, addresses.Rest.Port);
        Assert.NotNull(addresses.Grpc);
        Assert.NotEqual(0, addresses.Grpc.Port);
        Assert.NotEqual(addresses.Rest.Port, addresses.Grpc.Port);
        using var channel = GrpcChannel.ForAddress(addresses.Grpc);
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
        var ready = await client.ModelReadyAsync(new ModelReadyRequest { Name = fixture.ModelName }, cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(ready.Ready);
    }

    [Fact]
    public async Task Addresses_GrpcOff_HasNoGrpcAddress()
    {
        await using var host = await ServingHost.StartAsync(fixture.Options() with { GrpcPort = null }, fixture.Model);

        Assert.Null(host.Addresses.Grpc);
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("/ping")).StatusCode);
    }

    [Theory]
    [InlineData("/ping")]
    [InlineData("/health")]
    [InlineData("/v2/health/ready")]
    [InlineData("/v2/models/anything")]
    [InlineData("/v2/models/anything/ready")]
    public async Task Probes_BeforeAVersionLoads_Answer503(string path)
    {
        await using var host = await ServingHost.StartAsync(fixture.Options() with { GrpcPort = null }, new StubScorer(null));

        var response = await host.GetAsync(path);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("/v2/health/live")).StatusCode);
    }

    [Fact]
    public async Task Invocations_BeforeAVersionLoads_Answers503NamingTheUri()
    {
        await using var host = await ServingHost.StartAsync(fixture.Options() with { GrpcPort = null }, new StubScorer(null));

        var mlflow = await host.PostJsonAsync("/invocations", Rows);
        var oip = await host.PostJsonAsync("/v2/models/m/infer", Rows);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, mlflow.StatusCode);
        Assert.Contains(fixture.ModelUri, (await mlflow.JsonAsync())["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, oip.StatusCode);
        Assert.NotNull((await oip.JsonAsync())["error"]);
    }

    [Fact]
    public async Task Invocations_ScorerRefusesTheBatch_Answers400WithItsCodeAndMessage()
    {
        var scorer = new StubScorer(fixture.Model.Current, KeelException.InvalidParameter("Column 'Age' must be positive."));
        await using var host = await ServingHost.StartAsync(fixture.Options() with { GrpcPort = null }, scorer);

        var response = await host.PostJsonAsync("/invocations", Rows);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var json = await response.JsonAsync();
        Assert.Equal("INVALID_PARAMETER_VALUE", json["error_code"]!.GetValue<string>());
        Assert.Equal("Column 'Age' must be positive.", json["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Invocations_ScorerFails_Answers500WithoutItsDetails()
    {
        var scorer = new StubScorer(fixture.Model.Current, new InvalidOperationException("secret internals"));
        await using var host = await ServingHost.StartAsync(fixture.Options() with { GrpcPort = null }, scorer);

        var mlflow = await host.PostJsonAsync("/invocations", Rows);
        var oip = await host.PostJsonAsync($"/v2/models/{fixture.ModelName}/infer",
            """{"inputs": [{"name": "Age", "shape": [1], "datatype": "FP32", "data": [1]}, {"name": "Dose", "shape": [1], "datatype": "FP32", "data": [1]}, {"name": "Marker", "shape": [1], "datatype": "FP32", "data": [1]}]}""");

        Assert.Equal(HttpStatusCode.InternalServerError, mlflow.StatusCode);
        Assert.Equal("INTERNAL_ERROR", (await mlflow.JsonAsync())["error_code"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.InternalServerError, oip.StatusCode);
        Assert.DoesNotContain("secret", await oip.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    /// <summary>A scorer with a fixed current version (or none) whose every call fails with <paramref name="failure"/>.</summary>
    private sealed class StubScorer(ServedVersion? current, Exception? failure = null) : IModelScorer
    {
        public ServedVersion? Current => current;

        public Task<ScoreResult> ScoreAsync(DataBatch input, CancellationToken ct = default) =>
            Task.FromException<ScoreResult>(failure ?? new InvalidOperationException("not loaded"));
    }
}
