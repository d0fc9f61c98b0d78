using System.Globalization;
using System.Text.RegularExpressions;
using Keel.Serving.Metrics;

namespace Keel.Serving.Tests.Http;

/// <summary>Each test starts its own host and metrics over the fixture's model, so counts belong to the test alone.</summary>
public sealed partial class ServingMetricsTests(ServingHostFixture fixture) : IClassFixture<ServingHostFixture>
{
    private const string Rows = """{"inputs": {"Age": [5.0, 1, 3], "Dose": [2.0, 1, 1], "Marker": [0.5, 1, 0]}}""";

    [Fact]
    public async Task Metrics_AfterRequests_CountsRequestsErrorsAndDurationsByModelVersionAndProtocol()
    {
        var metrics = new ServingMetrics();
        await using var host = await ServingHost.StartAsync(fixture.Options() with { GrpcPort = null }, fixture.Model, metrics);
        var labels = $"model=\"{fixture.ModelName}\",version=\"1\"";

        await host.PostJsonAsync("/invocations", Rows);
        await host.PostJsonAsync("/invocations", Rows);
        await host.PostJsonAsync("/invocations", """{"inputs": {"Age": [1]}}""");
        await host.PostAsync("/invocations", "x", "text/plain");
        await host.PostJsonAsync($"/v2/models/{fixture.ModelName}/infer",
            """{"inputs": [{"name": "Age", "shape": [1], "datatype": "FP32", "data": [1]}, {"name": "Dose", "shape": [1], "datatype": "FP32", "data": [1]}, {"name": "Marker", "shape": [1], "datatype": "FP32", "data": [1]}]}""");
        await host.PostJsonAsync("/v2/models/other/infer", "{}");
        var text = await (await host.GetAsync("/metrics")).Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(2, Sample(text, "keel_serving_requests_total", $"{labels},protocol=\"mlflow\",status=\"200\""));
        Assert.Equal(1, Sample(text, "keel_serving_requests_total", $"{labels},protocol=\"mlflow\",status=\"400\""));
        Assert.Equal(1, Sample(text, "keel_serving_requests_total", $"{labels},protocol=\"mlflow\",status=\"415\""));
        Assert.Equal(1, Sample(text, "keel_serving_requests_total", $"{labels},protocol=\"oip_rest\",status=\"200\""));
        Assert.Equal(1, Sample(text, "keel_serving_requests_total", $"{labels},protocol=\"oip_rest\",status=\"404\""));
        Assert.Equal(1, Sample(text, "keel_serving_errors_total", $"{labels},protocol=\"mlflow\",kind=\"bad_request\""));
        Assert.Equal(1, Sample(text, "keel_serving_errors_total", $"{labels},protocol=\"mlflow\",kind=\"unsupported_media_type\""));
        Assert.Equal(1, Sample(text, "keel_serving_errors_total", $"{labels},protocol=\"oip_rest\",kind=\"not_found\""));
        Assert.Equal(4, Sample(text, "keel_serving_request_duration_seconds_count", $"{labels},protocol=\"mlflow\""));
        Assert.Equal(2, Sample(text, "keel_serving_request_duration_seconds_count", $"{labels},protocol=\"oip_rest\""));
    }

    [Fact]
    public async Task Metrics_GrpcInferCalls_AreCountedUnderTheirOwnProtocol()
    {
        var ct = TestContext.Current.CancellationToken;
        var metrics = new ServingMetrics();
        await using var host = await ServingHost.StartAsync(fixture.Options(), fixture.Model, metrics);
        using var channel = global::Grpc.Net.Client.GrpcChannel.ForAddress(host.Addresses.Grpc!);
        var client = new Keel.Serving.Grpc.Protocol.GRPCInferenceService.GRPCInferenceServiceClient(channel);
        var request = new Keel.Serving.Grpc.Protocol.ModelInferRequest { ModelName = fixture.ModelName };
        foreach (var name in new[] { "Age", "Dose", "Marker" })
        {
            request.Inputs.Add(new Keel.Serving.Grpc.Protocol.ModelInferRequest.Types.InferInputTensor
            {
                Name = name,
                Datatype = "FP32",
                Shape = { 2 },
                Contents = new() { Fp32Contents = { 1f, 2f } },
            });
        }

        await client.ModelInferAsync(request, cancellationToken: ct);
        request.ModelName = "other";
        await Assert.ThrowsAsync<global::Grpc.Core.RpcException>(() => client.ModelInferAsync(request, cancellationToken: ct).ResponseAsync);
        var text = await (await host.GetAsync("/metrics")).Content.ReadAsStringAsync(ct);

        var labels = $"model=\"{fixture.ModelName}\",version=\"1\"";
        Assert.Equal(1, Sample(text, "keel_serving_requests_total", $"{labels},protocol=\"oip_grpc\",status=\"OK\""));
        Assert.Equal(1, Sample(text, "keel_serving_requests_total", $"{labels},protocol=\"oip_grpc\",status=\"NotFound\""));
        Assert.Equal(1, Sample(text, "keel_serving_errors_total", $"{labels},protocol=\"oip_grpc\",kind=\"not_found\""));
    }

    [Fact]
    public async Task Metrics_BatchObserver_RecordsRowsPerPredictorCall()
    {
        var metrics = new ServingMetrics();
        var version = fixture.Model.Current!;

        metrics.OnBatch(version, requests: 2, rows: 3, TimeSpan.FromMilliseconds(1));
        metrics.OnBatch(version, requests: 1, rows: 1, TimeSpan.FromMilliseconds(1));
        await using var host = await ServingHost.StartAsync(fixture.Options() with { GrpcPort = null }, fixture.Model, metrics);
        var text = await (await host.GetAsync("/metrics")).Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        var labels = $"model=\"{fixture.ModelName}\",version=\"1\"";
        Assert.Equal(2, Sample(text, "keel_serving_batch_size_count", labels));
        Assert.Equal(4, Sample(text, "keel_serving_batch_size_sum", labels));
    }

    [Fact]
    public async Task Metrics_ModelHostObservedByTheFixture_CountsItsBatches()
    {
        await fixture.Host.PostJsonAsync("/invocations", Rows);

        var text = await (await fixture.Host.GetAsync("/metrics")).Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.True(Sample(text, "keel_serving_batch_size_sum", $"model=\"{fixture.ModelName}\",version=\"1\"") >= 3, text);
    }

    [Fact]
    public async Task Metrics_TwoHostsInOneProcess_KeepTheirOwnCounts()
    {
        await using var first = await ServingHost.StartAsync(fixture.Options() with { GrpcPort = null }, fixture.Model, new ServingMetrics());
        await using var second = await ServingHost.StartAsync(fixture.Options() with { GrpcPort = null }, fixture.Model, new ServingMetrics());

        await first.PostJsonAsync("/invocations", Rows);
        var text = await (await second.GetAsync("/metrics")).Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.DoesNotContain("keel_serving_requests_total{", text, StringComparison.Ordinal);
    }

    private static double Sample(string exposition, string metric, string labels)
    {
        var match = Regex.Match(exposition, $"^{Regex.Escape(metric)}\\{{{Regex.Escape(labels)}\\}} (\\S+)$", RegexOptions.Multiline);
        Assert.True(match.Success, $"no sample {metric}{{{labels}}} in:\n{exposition}");
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }
}
