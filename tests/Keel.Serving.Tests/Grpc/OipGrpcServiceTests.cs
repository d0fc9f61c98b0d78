using System.Buffers.Binary;
using Google.Protobuf;
using Grpc.Core;
using Keel.Core.Models;
using Keel.Serving.Grpc.Protocol;
using InputTensor = Keel.Serving.Grpc.Protocol.ModelInferRequest.Types.InferInputTensor;
using OutputTensor = Keel.Serving.Grpc.Protocol.ModelInferResponse.Types.InferOutputTensor;

namespace Keel.Serving.Tests.Grpc;

public sealed class OipGrpcServiceTests(ServedModelFixture fixture) : IClassFixture<ServedModelFixture>
{
    private readonly GRPCInferenceService.GRPCInferenceServiceClient _client = fixture.Host.Client;

    private static readonly FlowerRow[] Rows = ServedModelFixture.Rows(7, new Random(99));

    [Fact]
    public async Task ServerLive_Always_ReturnsLive()
    {
        var response = await _client.ServerLiveAsync(new ServerLiveRequest());

        Assert.True(response.Live);
    }

    [Fact]
    public async Task ServerReady_ModelLoaded_ReturnsReady()
    {
        var response = await _client.ServerReadyAsync(new ServerReadyRequest());

        Assert.True(response.Ready);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1")]
    public async Task ModelReady_ServedModel_ReturnsReady(string version)
    {
        var response = await _client.ModelReadyAsync(new ModelReadyRequest { Name = ServedModelFixture.ModelName, Version = version });

        Assert.True(response.Ready);
    }

    [Theory]
    [InlineData("other", "")]
    [InlineData(ServedModelFixture.ModelName, "2")]
    public async Task ModelReady_UnknownModelOrVersion_ReturnsNotFound(string name, string version)
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () => await _client.ModelReadyAsync(new ModelReadyRequest { Name = name, Version = version }));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task ServerMetadata_Always_NamesKeelAndItsVersion()
    {
        var response = await _client.ServerMetadataAsync(new ServerMetadataRequest());

        Assert.Equal("keel", response.Name);
        Assert.False(string.IsNullOrWhiteSpace(response.Version));
        Assert.Empty(response.Extensions);
    }

    [Fact]
    public async Task ModelMetadata_ServedModel_DescribesTensors()
    {
        var response = await _client.ModelMetadataAsync(new ModelMetadataRequest { Name = ServedModelFixture.ModelName });

        Assert.Equal(ServedModelFixture.ModelName, response.Name);
        Assert.Equal(["1"], response.Versions);
        Assert.Equal("mlnet", response.Platform);
        Assert.Equal(ServedModelFixture.Features, response.Inputs.Select(t => t.Name));
        Assert.All(response.Inputs, t => Assert.Equal("FP32", t.Datatype));
        Assert.All(response.Inputs, t => Assert.Equal([-1L], t.Shape));
        var outputs = response.Outputs.ToDictionary(t => t.Name);
        Assert.Equal("BOOL", outputs["PredictedLabel"].Datatype);
        Assert.Equal("FP32", outputs["Score"].Datatype);
        Assert.Equal("FP32", outputs["Probability"].Datatype);
        Assert.Equal(
            fixture.Model.Outputs.Select(c => (c.Name, (IEnumerable<long>)[-1L, .. c.RowShape.Select(d => (long)d)])).Select(p => $"{p.Name}:{string.Join(",", p.Item2)}"),
            response.Outputs.Select(t => $"{t.Name}:{string.Join(",", t.Shape)}"));
    }

    [Fact]
    public async Task ModelMetadata_UnknownVersion_ReturnsNotFound()
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await _client.ModelMetadataAsync(new ModelMetadataRequest { Name = ServedModelFixture.ModelName, Version = "7" }));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Contains("'7'", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelInfer_TypedFp32_MatchesDirectPredict()
    {
        var request = TypedRequest(Rows);
        request.Id = "req-42";

        using var call = _client.ModelInferAsync(request);
        var response = await call;
        var headers = await call.ResponseHeadersAsync;

        Assert.Equal(ServedModelFixture.ModelName, response.ModelName);
        Assert.Equal("1", response.ModelVersion);
        Assert.Equal("req-42", response.Id);
        Assert.Equal("1", headers.GetValue("keel-model-version"));
        Assert.Empty(response.RawOutputContents);
        var expected = fixture.Model.Predict(ServedModelFixture.Batch(Rows));
        Assert.Equal(expected.Columns.Select(c => c.Name), response.Outputs.Select(o => o.Name));
        foreach (var column in expected.Columns)
        {
            var output = response.Outputs.Single(o => o.Name == column.Name);
            AssertShape(column, output);
            Assert.Equal(Flatten(column.Values), TypedValues(output));
        }
    }

    [Fact]
    public async Task ModelInfer_ScalarInputsShapedNBy1_MatchesDirectPredict()
    {
        var request = TypedRequest(Rows);
        foreach (var input in request.Inputs)
        {
            input.Shape.Add(1);
        }

        var response = await _client.ModelInferAsync(request);

        var expected = fixture.Model.Predict(ServedModelFixture.Batch(Rows));
        Assert.Equal(expected["Score"].As<float>(), response.Outputs.Single(o => o.Name == "Score").Contents.Fp32Contents);
    }

    [Fact]
    public async Task ModelInfer_RawInputs_ReturnsRawOutputsMatchingPredict()
    {
        var request = new ModelInferRequest { ModelName = ServedModelFixture.ModelName, ModelVersion = "1" };
        foreach (var feature in ServedModelFixture.Features)
        {
            request.Inputs.Add(new InputTensor { Name = feature, Datatype = "FP32", Shape = { Rows.Length } });
            var bytes = new byte[Rows.Length * 4];
            for (var i = 0; i < Rows.Length; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), Feature(Rows[i], feature));
            }

            request.RawInputContents.Add(ByteString.CopyFrom(bytes));
        }

        var response = await _client.ModelInferAsync(request);

        var expected = fixture.Model.Predict(ServedModelFixture.Batch(Rows));
        Assert.Equal(response.Outputs.Count, response.RawOutputContents.Count);
        for (var i = 0; i < response.Outputs.Count; i++)
        {
            var output = response.Outputs[i];
            var column = expected[output.Name];
            Assert.Null(output.Contents);
            AssertShape(column, output);
            Assert.Equal(Flatten(column.Values), DecodeRaw(output.Datatype, response.RawOutputContents[i].Span));
        }
    }

    [Fact]
    public async Task ModelInfer_NarrowerIntegerInput_WidensToFp32()
    {
        var request = TypedRequest(Rows);
        var whole = Rows.Select(r => new FlowerRow { SepalLength = MathF.Round(r.SepalLength), SepalWidth = r.SepalWidth, PetalLength = r.PetalLength }).ToArray();
        var first = request.Inputs[0];
        first.Datatype = "INT16";
        first.Contents = new InferTensorContents { IntContents = { whole.Select(r => (int)r.SepalLength) } };

        var response = await _client.ModelInferAsync(request);

        var expected = fixture.Model.Predict(ServedModelFixture.Batch(whole));
        Assert.Equal(expected["Score"].As<float>(), response.Outputs.Single(o => o.Name == "Score").Contents.Fp32Contents);
    }

    [Fact]
    public async Task ModelInfer_RequestedOutputs_ReturnsOnlyThoseInOrder()
    {
        var request = TypedRequest(Rows);
        request.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor { Name = "Probability" });
        request.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor { Name = "PredictedLabel" });

        var response = await _client.ModelInferAsync(request);

        Assert.Equal(["Probability", "PredictedLabel"], response.Outputs.Select(o => o.Name));
        var expected = fixture.Model.Predict(ServedModelFixture.Batch(Rows));
        Assert.Equal(expected["PredictedLabel"].As<bool>(), response.Outputs[1].Contents.BoolContents);
    }

    [Fact]
    public async Task ModelInfer_UnknownRequestedOutput_ReturnsInvalidArgument()
    {
        var request = TypedRequest(Rows);
        request.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor { Name = "Margin" });

        await AssertInvalidArgumentAsync(request, "'Margin'");
    }

    [Fact]
    public async Task ModelInfer_UnknownModel_ReturnsNotFound()
    {
        var request = TypedRequest(Rows);
        request.ModelName = "other";

        var error = await Assert.ThrowsAsync<RpcException>(async () => await _client.ModelInferAsync(request));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Contains("'other'", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelInfer_UnknownVersion_ReturnsNotFound()
    {
        var request = TypedRequest(Rows);
        request.ModelVersion = "2";

        var error = await Assert.ThrowsAsync<RpcException>(async () => await _client.ModelInferAsync(request));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task ModelInfer_WrongDatatype_ReturnsInvalidArgumentNamingInput()
    {
        var request = TypedRequest(Rows);
        var input = request.Inputs.Single(i => i.Name == "SepalWidth");
        input.Datatype = "FP64";
        input.Contents = new InferTensorContents { Fp64Contents = { Rows.Select(r => (double)r.SepalWidth) } };

        var error = await AssertInvalidArgumentAsync(request, "'SepalWidth'");

        Assert.Contains("FP64", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelInfer_ContentsInAnotherField_ReturnsInvalidArgumentNamingInput()
    {
        var request = TypedRequest(Rows);
        var input = request.Inputs.Single(i => i.Name == "PetalLength");
        input.Contents = new InferTensorContents { Fp64Contents = { Rows.Select(r => (double)r.PetalLength) } };

        var error = await AssertInvalidArgumentAsync(request, "'PetalLength'");

        Assert.Contains("fp64_contents", error.Status.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new long[] { 7, 2 })]
    [InlineData(new long[] { 7, 1, 1 })]
    [InlineData(new long[] { })]
    [InlineData(new long[] { -1 })]
    public async Task ModelInfer_WrongShape_ReturnsInvalidArgumentNamingInput(long[] shape)
    {
        var request = TypedRequest(Rows);
        var input = request.Inputs.Single(i => i.Name == "SepalLength");
        input.Shape.Clear();
        input.Shape.Add(shape);

        await AssertInvalidArgumentAsync(request, "'SepalLength'");
    }

    [Fact]
    public async Task ModelInfer_BatchSizesDiffer_ReturnsInvalidArgument()
    {
        var request = TypedRequest(Rows);
        var input = request.Inputs.Single(i => i.Name == "PetalLength");
        input.Shape[0] = Rows.Length - 1;
        input.Contents.Fp32Contents.RemoveAt(0);

        await AssertInvalidArgumentAsync(request, "'PetalLength'");
    }

    [Fact]
    public async Task ModelInfer_TypedDataLengthMismatch_ReturnsInvalidArgumentNamingInput()
    {
        var request = TypedRequest(Rows);
        request.Inputs.Single(i => i.Name == "SepalWidth").Contents.Fp32Contents.Add(1f);

        var error = await AssertInvalidArgumentAsync(request, "'SepalWidth'");

        Assert.Contains($"{Rows.Length + 1} values", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelInfer_RawDataLengthMismatch_ReturnsInvalidArgumentNamingInput()
    {
        var request = new ModelInferRequest { ModelName = ServedModelFixture.ModelName };
        foreach (var feature in ServedModelFixture.Features)
        {
            request.Inputs.Add(new InputTensor { Name = feature, Datatype = "FP32", Shape = { 2 } });
            request.RawInputContents.Add(ByteString.CopyFrom(new byte[feature == "PetalLength" ? 7 : 8]));
        }

        var error = await AssertInvalidArgumentAsync(request, "'PetalLength'");

        Assert.Contains("7 bytes", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelInfer_MissingInput_ReturnsInvalidArgumentNamingInput()
    {
        var request = TypedRequest(Rows);
        request.Inputs.RemoveAt(1);

        await AssertInvalidArgumentAsync(request, "'SepalWidth'");
    }

    [Fact]
    public async Task ModelInfer_UnknownInput_ReturnsInvalidArgumentNamingInput()
    {
        var request = TypedRequest(Rows);
        request.Inputs.Add(new InputTensor { Name = "PetalWidth", Datatype = "FP32", Shape = { Rows.Length }, Contents = new() { Fp32Contents = { Rows.Select(_ => 1f) } } });

        await AssertInvalidArgumentAsync(request, "'PetalWidth'");
    }

    [Fact]
    public async Task ModelInfer_RawAndTypedTogether_ReturnsInvalidArgumentNamingInput()
    {
        var request = TypedRequest(Rows);
        foreach (var input in request.Inputs)
        {
            request.RawInputContents.Add(ByteString.CopyFrom(new byte[Rows.Length * 4]));
        }

        var error = await AssertInvalidArgumentAsync(request, "'SepalLength'");

        Assert.Contains("raw_input_contents", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelInfer_RawEntriesFewerThanInputs_ReturnsInvalidArgument()
    {
        var request = TypedRequest(Rows);
        foreach (var input in request.Inputs)
        {
            input.Contents = null;
        }

        request.RawInputContents.Add(ByteString.CopyFrom(new byte[Rows.Length * 4]));

        await AssertInvalidArgumentAsync(request, "raw_input_contents");
    }

    private async Task<RpcException> AssertInvalidArgumentAsync(ModelInferRequest request, string mention)
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () => await _client.ModelInferAsync(request));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(mention, error.Status.Detail, StringComparison.Ordinal);
        return error;
    }

    internal static ModelInferRequest TypedRequest(IReadOnlyList<FlowerRow> rows)
    {
        var request = new ModelInferRequest { ModelName = ServedModelFixture.ModelName };
        foreach (var feature in ServedModelFixture.Features)
        {
            request.Inputs.Add(new InputTensor
            {
                Name = feature,
                Datatype = "FP32",
                Shape = { rows.Count },
                Contents = new InferTensorContents { Fp32Contents = { rows.Select(r => Feature(r, feature)) } },
            });
        }

        return request;
    }

    private static float Feature(FlowerRow row, string feature) => feature switch
    {
        nameof(FlowerRow.SepalLength) => row.SepalLength,
        nameof(FlowerRow.SepalWidth) => row.SepalWidth,
        _ => row.PetalLength,
    };

    private static void AssertShape(DataColumn expected, OutputTensor output) =>
        Assert.Equal([expected.RowCount, .. expected.RowShape.Select(d => (long)d)], output.Shape);

    private static List<object> Flatten(Array values) => [.. values.Cast<object>()];

    private static List<object> TypedValues(OutputTensor output) => output.Datatype switch
    {
        "BOOL" => [.. output.Contents.BoolContents.Cast<object>()],
        "INT32" => [.. output.Contents.IntContents.Cast<object>()],
        "INT64" => [.. output.Contents.Int64Contents.Cast<object>()],
        "FP32" => [.. output.Contents.Fp32Contents.Cast<object>()],
        "FP64" => [.. output.Contents.Fp64Contents.Cast<object>()],
        _ => [.. output.Contents.BytesContents.Select(b => (object)b.ToStringUtf8())],
    };

    private static List<object> DecodeRaw(string datatype, ReadOnlySpan<byte> bytes)
    {
        var values = new List<object>();
        var offset = 0;
        while (offset < bytes.Length)
        {
            var rest = bytes[offset..];
            (object value, int size) = datatype switch
            {
                "BOOL" => ((object)(rest[0] != 0), 1),
                "INT32" => (BinaryPrimitives.ReadInt32LittleEndian(rest), 4),
                "INT64" => (BinaryPrimitives.ReadInt64LittleEndian(rest), 8),
                "FP32" => (BinaryPrimitives.ReadSingleLittleEndian(rest), 4),
                "FP64" => (BinaryPrimitives.ReadDoubleLittleEndian(rest), 8),
                _ => (System.Text.Encoding.UTF8.GetString(rest.Slice(4, BinaryPrimitives.ReadInt32LittleEndian(rest))), 4 + BinaryPrimitives.ReadInt32LittleEndian(rest)),
            };
            values.Add(value);
            offset += size;
        }

        return values;
    }
}
