using Grpc.Core;
using Keel.Core.Common;
using Keel.Core.Models;
using Keel.Core.Models.Packages;
using Keel.Serving.Grpc.Protocol;
using Keel.Serving.Runtime;

namespace Keel.Serving.Tests.Grpc;

/// <summary>Answers when no version has loaded, and when scoring itself fails; each test starts its own host.</summary>
public sealed class OipGrpcFailureTests
{
    private static readonly ServedVersion Version = new(
        ServedModelFixture.ModelName, "3", "onnx", new MlModel(), [ColumnSchema.Scalar("x", DataType.Float32)], [ColumnSchema.Scalar("y", DataType.Float32)]);

    [Fact]
    public async Task Readiness_NoVersionLoaded_ReportsNotReady()
    {
        await using var host = await GrpcTestHost.StartAsync(new StubScorer(null, _ => throw new InvalidOperationException("unused")));

        Assert.True((await host.Client.ServerLiveAsync(new ServerLiveRequest())).Live);
        Assert.False((await host.Client.ServerReadyAsync(new ServerReadyRequest())).Ready);
        Assert.False((await host.Client.ModelReadyAsync(new ModelReadyRequest { Name = ServedModelFixture.ModelName })).Ready);
    }

    [Fact]
    public async Task ModelInferAndMetadata_NoVersionLoaded_ReturnUnavailable()
    {
        await using var host = await GrpcTestHost.StartAsync(new StubScorer(null, _ => throw new InvalidOperationException("unused")));

        var infer = await Assert.ThrowsAsync<RpcException>(async () => await host.Client.ModelInferAsync(Request()));
        var metadata = await Assert.ThrowsAsync<RpcException>(async () =>
            await host.Client.ModelMetadataAsync(new ModelMetadataRequest { Name = ServedModelFixture.ModelName }));

        Assert.Equal(StatusCode.Unavailable, infer.StatusCode);
        Assert.Equal(StatusCode.Unavailable, metadata.StatusCode);
    }

    [Fact]
    public async Task ModelInfer_ScorerRejectsInput_ReturnsInvalidArgumentWithItsMessage()
    {
        await using var host = await GrpcTestHost.StartAsync(new StubScorer(Version, _ => throw KeelException.InvalidParameter("Column 'x' must be positive.")));

        var error = await Assert.ThrowsAsync<RpcException>(async () => await host.Client.ModelInferAsync(Request()));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal("Column 'x' must be positive.", error.Status.Detail);
    }

    [Fact]
    public async Task ModelInfer_ScorerFails_ReturnsInternalWithoutDetails()
    {
        await using var host = await GrpcTestHost.StartAsync(new StubScorer(Version, _ => throw new InvalidOperationException("secret runtime state")));

        var error = await Assert.ThrowsAsync<RpcException>(async () => await host.Client.ModelInferAsync(Request()));

        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.DoesNotContain("secret", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelInfer_HotReloadedVersionAnswers_NamesTheAnsweringVersion()
    {
        var next = Version with { Version = "4" };
        await using var host = await GrpcTestHost.StartAsync(new StubScorer(Version, batch =>
            new ScoreResult(new DataBatch([DataColumn.Of("y", batch["x"].As<float>().Select(v => v * 2).ToArray())]), next)));

        using var call = host.Client.ModelInferAsync(Request());
        var response = await call;

        Assert.Equal("4", response.ModelVersion);
        Assert.Equal("4", (await call.ResponseHeadersAsync).GetValue("keel-model-version"));
        Assert.Equal([2f, 4f], response.Outputs.Single().Contents.Fp32Contents);
    }

    private static ModelInferRequest Request() => new()
    {
        ModelName = ServedModelFixture.ModelName,
        Inputs = { new ModelInferRequest.Types.InferInputTensor { Name = "x", Datatype = "FP32", Shape = { 2 }, Contents = new() { Fp32Contents = { 1f, 2f } } } },
    };

    private sealed class StubScorer(ServedVersion? current, Func<DataBatch, ScoreResult> score) : IModelScorer
    {
        public ServedVersion? Current => current;

        public Task<ScoreResult> ScoreAsync(DataBatch input, CancellationToken ct = default) => Task.FromResult(score(input));
    }
}
