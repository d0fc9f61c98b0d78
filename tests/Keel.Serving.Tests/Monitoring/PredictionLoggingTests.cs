using System.Globalization;
using System.Net;
using Grpc.Core;
using Grpc.Net.Client;
using Keel.Contracts.KeelApi;
using Keel.Core.Deployments;
using Keel.Monitoring.PredictionLogs;
using Keel.Serving.Grpc.Protocol;
using Keel.Serving.Metrics;
using Keel.Serving.Monitoring;
using Keel.Serving.Routing;
using Keel.Serving.Runtime;
using Keel.Serving.Tests.Http;
using Keel.Serving.Tests.Routing;
using Keel.Serving.Tests.Support;
using Keel.Testing;
using InputTensor = Keel.Serving.Grpc.Protocol.ModelInferRequest.Types.InferInputTensor;

namespace Keel.Serving.Tests.Monitoring;

/// <summary>
/// Prediction logging end to end: a real serving host on loopback logs through <see cref="TrackingServerPredictionLogSink"/>
/// to a real tracking server, whose artifact store is then read with <see cref="PredictionLogStore"/>.
/// </summary>
public sealed class PredictionLoggingTests(ClientServerFixture fixture) : IClassFixture<ClientServerFixture>, IDisposable
{
    private static readonly DateTimeOffset Since = DateTimeOffset.UnixEpoch;
    private static readonly DateTimeOffset Until = new(2100, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly RoutingHosts _hosts = new(maxBatchSize: 8);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _hosts.Dispose();

    [Fact]
    public async Task EveryProtocol_LogsInputsOutputsModelVersionRouteAndRequestId_AndLabelsJoin()
    {
        var name = $"logged-{Guid.NewGuid():N}";
        await ServingModels.RegisterAsync(fixture.Client, name, ct: Ct);
        var options = Options() with { ModelUri = $"models:/{name}/2", GrpcPort = 0 };
        var metrics = new ServingMetrics();
        await using var model = await ModelHost.StartAsync(new RegistryModelSource(fixture.Client, options.ModelUri), options, observer: metrics, ct: Ct);
        await using var logger = new PredictionLogger(options, new TrackingServerPredictionLogSink(fixture.Client), metrics);
        string generatedId;
        await using (var host = await ServingHost.StartAsync(options, model, metrics, services => services.AddPredictionLogger(logger)))
        {
            using var mlflow = await PostAsync(host, "/invocations", MlflowBody(2), requestId: "client-req-1");
            Assert.Equal(HttpStatusCode.OK, mlflow.StatusCode);
            Assert.Equal("client-req-1", mlflow.Header(PredictionCapture.RequestIdHeader));

            using var oip = await PostAsync(host, $"/v2/models/{name}/infer", OipBody(1), requestId: null);
            Assert.Equal(HttpStatusCode.OK, oip.StatusCode);
            generatedId = oip.Header(PredictionCapture.RequestIdHeader)!;
            Assert.Matches("^[0-9a-f]{32}$", generatedId);

            using var bad = await PostAsync(host, "/invocations", """{"dataframe_split": {"columns": ["Age"], "data": [[1.0]]}}""", requestId: "bad-req");
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Equal("bad-req", bad.Header(PredictionCapture.RequestIdHeader));

            using var channel = GrpcChannel.ForAddress(host.Addresses.Grpc!);
            var grpc = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
            var call = grpc.ModelInferAsync(GrpcRequest(name), new Metadata { { "x-request-id", "grpc-req" } }, cancellationToken: Ct);
            await call.ResponseAsync;
            Assert.Equal("grpc-req", (await call.ResponseHeadersAsync).GetValue("x-request-id"));
        }
        // Stopping the host flushed the buffer; the server holds the segment now.

        var window = await new PredictionLogStore(fixture.Server.Stores.Artifacts).ReadWindowAsync(name, Since, Until, Ct);
        var byRequest = window.Records.GroupBy(r => r.RequestId).ToDictionary(g => g.Key, g => g.OrderBy(r => r.Row).ToList());
        Assert.Equal(new[] { "bad-req", "client-req-1", "grpc-req", generatedId }.Order(StringComparer.Ordinal), byRequest.Keys.Order(StringComparer.Ordinal));
        Assert.All(window.Records, r => Assert.Equal((name, name, "2", "default", false), (r.Deployment, r.Model, r.Version, r.Route, r.Shadow)));
        var first = byRequest["client-req-1"];
        Assert.Equal([0, 1], first.Select(r => r.Row));
        Assert.All(first, r => Assert.Equal(200, r.Status));
        var expectedAge = ServingModels.Rows(2, seed: 5).Select(r => (double)r.Age);
        Assert.Equal(expectedAge, first.Select(r => (double)r.Inputs["Age"]!));
        Assert.All(first, r => Assert.IsType<double>(r.Outputs["Probability"]));
        Assert.All(first, r => Assert.True(r.LatencyMs > 0));
        var failed = Assert.Single(byRequest["bad-req"]);
        Assert.Equal(400, failed.Status);
        Assert.DoesNotContain(failed.Outputs, o => o.Value is not null);
        Assert.Equal(200, Assert.Single(byRequest["grpc-req"]).Status);
        Assert.Equal(["Age", "Dose", "Marker"], window.InputNames);

        var accepted = await fixture.Client.LogLabelsAsync(name,
        [
            new LabelDto { RequestId = "client-req-1", Row = 1, Label = System.Text.Json.JsonDocument.Parse("true").RootElement },
            new LabelDto { RequestId = generatedId, Label = System.Text.Json.JsonDocument.Parse("0").RootElement },
        ], Ct);
        Assert.Equal(2, accepted);
        var labelled = (await new PredictionLogStore(fixture.Server.Stores.Artifacts).ReadWindowAsync(name, Since, Until, Ct)).Labelled();
        Assert.Equal(new[] { ("client-req-1", 1, (object)true), (generatedId, 0, 0L) }.OrderBy(p => p.Item1, StringComparer.Ordinal),
            labelled.Select(p => (p.Record.RequestId, p.Record.Row, p.Label.Label!)).OrderBy(p => p.RequestId, StringComparer.Ordinal));

        var listed = await fixture.Client.ListPredictionsAsync(name, maxResults: 2, ct: Ct);
        Assert.Equal(2, listed.Count);
        Assert.True(listed[0].Timestamp >= listed[1].Timestamp);
        Assert.Equal(1, (int)metrics.PredictionLog.Segments.Value);
        Assert.Equal(5, (int)metrics.PredictionLog.Records.Value);
    }

    [Fact]
    public async Task Deployment_LogsRouteAndShadowAnswersUnderTheDeploymentName()
    {
        var deployment = $"shadowed-{Guid.NewGuid():N}";
        var options = Options() with { ModelUri = RoutingHosts.V1 };
        var metrics = new ServingMetrics();
        await using var logger = new PredictionLogger(options, new TrackingServerPredictionLogSink(fixture.Client), metrics);
        await using var router = await _hosts.RouterAsync(
            new DeploymentSpec(deployment, [new TrafficRoute("champion", RoutingHosts.V1, 100)], [new ShadowRoute("candidate", RoutingHosts.V2)]),
            new TrafficRouterOptions { Metrics = metrics, PredictionLog = logger });
        await using (var host = await ServingHost.StartAsync(options, router, metrics, services => services.AddPredictionLogger(logger)))
        {
            for (var i = 0; i < 3; i++)
            {
                using var response = await PostAsync(host, "/invocations", MlflowBody(1, seed: i), requestId: $"req-{i}");
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal("champion", response.Header(ScoringPipelineHeaders.Route));
            }
            await router.WhenShadowsIdleAsync();
        }

        var window = await new PredictionLogStore(fixture.Server.Stores.Artifacts).ReadWindowAsync(deployment, Since, Until, Ct);
        Assert.Equal(6, window.Records.Count);
        foreach (var id in new[] { "req-0", "req-1", "req-2" })
        {
            var rows = window.Records.Where(r => r.RequestId == id).OrderBy(r => r.Shadow).ToList();
            Assert.Equal([("champion", false, "1"), ("candidate", true, "2")], rows.Select(r => (r.Route, r.Shadow, r.Version)));
            Assert.All(rows, r => Assert.Equal((deployment, RoutingHosts.ModelName, 200), (r.Deployment, r.Model, r.Status)));
            Assert.NotEqual(rows[0].Outputs["Probability"], rows[1].Outputs["Probability"]);
            Assert.Equal(rows[0].Inputs["Age"], rows[1].Inputs["Age"]);
        }
        // Shadow rows are kept for comparison but never counted as what callers received.
        Assert.Equal(3, window.Input("Age").Count);
    }

    [Fact]
    public async Task FullBuffer_DropsAndCountsRows_RequestsStillSucceed()
    {
        var options = Options() with { ModelUri = RoutingHosts.V1, LogBufferRows = 2, LogFlushRows = 1 };
        var metrics = new ServingMetrics();
        using var gate = new SemaphoreSlim(0);
        using var entered = new SemaphoreSlim(0);
        using var shipped = new TempDirectory("keel-log-sink");
        var sink = new GatedSink(entered, gate, new FolderPredictionLogSink(shipped.Path));
        await using var model = await _hosts.StartAsync(RoutingHosts.V1, Ct);
        await using var logger = new PredictionLogger(options, sink, metrics);
        await using (var host = await ServingHost.StartAsync(options, model, metrics, services => services.AddPredictionLogger(logger)))
        {
            for (var i = 0; i < 12; i++)
            {
                using var response = await PostAsync(host, "/invocations", MlflowBody(1, seed: i), requestId: null);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                if (i == 0)
                {
                    // The flusher has taken the first row and is stuck uploading it.
                    Assert.True(await entered.WaitAsync(TimeSpan.FromSeconds(30), Ct));
                }
            }

            // The flusher holds one row in a blocked upload and two wait in the buffer; the other nine were dropped.
            Assert.Equal(9, logger.DroppedRows);
            using var scrape = await host.GetAsync("/metrics");
            var text = await scrape.Content.ReadAsStringAsync(Ct);
            Assert.Contains("keel_prediction_log_dropped_total 9", text, StringComparison.Ordinal);
            Assert.Contains("keel_prediction_log_records_total 3", text, StringComparison.Ordinal);
            gate.Release(100);
        }

        Assert.Equal(3, Directory.GetFiles(shipped.Path, "*.parquet").Length);
        Assert.Equal(3, (int)metrics.PredictionLog.Segments.Value);
    }

    [Fact]
    public async Task SinkFailure_IsCountedAndNeverFailsAPrediction()
    {
        // The server refuses this name ('/' is not allowed), so every upload fails for real.
        var options = Options() with { ModelUri = RoutingHosts.V1, LogFlushRows = 1 };
        var metrics = new ServingMetrics();
        await using var model = await _hosts.StartAsync(RoutingHosts.V1, Ct);
        await using var logger = new PredictionLogger(options, new TrackingServerPredictionLogSink(fixture.Client), metrics, deployment: "bad/name");
        await using (var host = await ServingHost.StartAsync(options, model, metrics, services => services.AddPredictionLogger(logger)))
        {
            for (var i = 0; i < 3; i++)
            {
                using var response = await PostAsync(host, "/invocations", MlflowBody(1, seed: i), requestId: null);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
        }

        Assert.Equal(3, (int)metrics.PredictionLog.Errors.Value);
        Assert.Equal(0, (int)metrics.PredictionLog.Segments.Value);
    }

    [Fact]
    public async Task SampleFractionZero_LogsNothingAndSendsNoRequestId()
    {
        var options = Options() with { ModelUri = RoutingHosts.V1, LogPredictions = 0 };
        var metrics = new ServingMetrics();
        using var shipped = new TempDirectory("keel-log-sink");
        await using var model = await _hosts.StartAsync(RoutingHosts.V1, Ct);
        await using var logger = new PredictionLogger(options, new FolderPredictionLogSink(shipped.Path), metrics);
        await using (var host = await ServingHost.StartAsync(options, model, metrics, services => services.AddPredictionLogger(logger)))
        {
            using var response = await PostAsync(host, "/invocations", MlflowBody(1), requestId: "ignored");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Null(response.Header(PredictionCapture.RequestIdHeader));
        }

        Assert.Empty(Directory.GetFiles(shipped.Path));
    }

    private static ServingOptions Options() => new()
    {
        ModelUri = "unused",
        Port = 0,
        GrpcPort = null,
        MaxBatchSize = 8,
        ReloadInterval = Timeout.InfiniteTimeSpan,
        LogFlushInterval = TimeSpan.FromMinutes(5),
    };

    private static async Task<HttpResponseMessage> PostAsync(ServingHost host, string path, string json, string? requestId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        if (requestId is not null)
        {
            request.Headers.Add(PredictionCapture.RequestIdHeader, requestId);
        }
        return await host.Client.SendAsync(request, Ct);
    }

    private static string MlflowBody(int rows, int seed = 5)
    {
        var data = string.Join(", ", ServingModels.Rows(rows, seed).Select(r => string.Create(CultureInfo.InvariantCulture, $"[{r.Age}, {r.Dose}, {r.Marker}]")));
        return $$$"""{"dataframe_split": {"columns": ["Age", "Dose", "Marker"], "data": [{{{data}}}]}}""";
    }

    private static string OipBody(int rows)
    {
        var data = ServingModels.Rows(rows, seed: 6);
        string Tensor(string name, Func<PatientRow, float> value) => string.Create(CultureInfo.InvariantCulture,
            $$"""{"name": "{{name}}", "shape": [{{rows}}], "datatype": "FP32", "data": [{{string.Join(", ", data.Select(r => value(r).ToString(CultureInfo.InvariantCulture)))}}]}""");
        return $$"""{"inputs": [{{Tensor("Age", r => r.Age)}}, {{Tensor("Dose", r => r.Dose)}}, {{Tensor("Marker", r => r.Marker)}}]}""";
    }

    private static ModelInferRequest GrpcRequest(string model)
    {
        var request = new ModelInferRequest { ModelName = model };
        var row = ServingModels.Rows(1, seed: 7)[0];
        foreach (var (feature, value) in new[] { ("Age", row.Age), ("Dose", row.Dose), ("Marker", row.Marker) })
        {
            var tensor = new InputTensor { Name = feature, Datatype = "FP32", Shape = { 1 }, Contents = new InferTensorContents() };
            tensor.Contents.Fp32Contents.Add(value);
            request.Inputs.Add(tensor);
        }
        return request;
    }

    private static class ScoringPipelineHeaders
    {
        public const string Route = "X-Keel-Route";
    }

    // Holds every upload until the test opens the gate, then forwards it to a real sink.
    private sealed class GatedSink(SemaphoreSlim entered, SemaphoreSlim gate, IPredictionLogSink inner) : IPredictionLogSink
    {
        public async Task WriteSegmentAsync(string deployment, string segmentName, ReadOnlyMemory<byte> parquet, CancellationToken ct = default)
        {
            entered.Release();
            await gate.WaitAsync(ct);
            await inner.WriteSegmentAsync(deployment, segmentName, parquet, ct);
        }
    }
}
