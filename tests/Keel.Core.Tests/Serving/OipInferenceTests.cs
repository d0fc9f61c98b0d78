using System.Text;
using Keel.Core.Common;
using Keel.Core.Models;
using Keel.Core.Serving;

namespace Keel.Core.Tests.Serving;

public sealed class OipInferenceTests
{
    // The protocol's example model: two 2-element inputs, one INT32 and one FP32, per row.
    private static readonly ColumnSchema[] Inputs =
    [
        new("input0", DataType.Int32, [2]),
        new("input1", DataType.Float32, [2]),
    ];

    private static OipInferenceRequest Parse(string body, IReadOnlyList<ColumnSchema>? inputs = null) =>
        OipInferenceRequest.Parse(Encoding.UTF8.GetBytes(body), inputs ?? Inputs);

    private static KeelException Fails(string body, IReadOnlyList<ColumnSchema>? inputs = null)
    {
        var e = Assert.Throws<KeelException>(() => Parse(body, inputs));
        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
        return e;
    }

    [Fact]
    public void Parse_the_protocols_example_request()
    {
        var request = Parse("""
            {
              "id": "42",
              "inputs": [
                {"name": "input0", "shape": [2, 2], "datatype": "INT32", "data": [1, 2, 3, 4]},
                {"name": "input1", "shape": [2, 2], "datatype": "FP32", "data": [[1.5, 2.5], [3.5, 4.5]], "parameters": {"binary_data_size": 0}}
              ],
              "outputs": [{"name": "output0"}],
              "parameters": {"priority": 1}
            }
            """);

        Assert.Equal("42", request.Id);
        Assert.Equal(2, request.Batch.RowCount);
        Assert.Equal([1, 2, 3, 4], request.Batch["input0"].As<int>());
        Assert.Equal([2], request.Batch["input0"].RowShape);
        Assert.Equal([1.5f, 2.5f, 3.5f, 4.5f], request.Batch["input1"].As<float>());
        Assert.Equal(["output0"], request.RequestedOutputs);
        Assert.Equal(1, request.Parameters!.Value.GetProperty("priority").GetInt32());
    }

    [Fact]
    public void Parse_without_id_or_outputs_asks_for_every_output()
    {
        var request = Parse("""{"inputs": [{"name": "input1", "shape": [1, 2], "datatype": "FP32", "data": [1, 2]}, {"name": "input0", "shape": [1, 2], "datatype": "INT32", "data": [3, 4]}]}""");

        Assert.Null(request.Id);
        Assert.Null(request.Parameters);
        Assert.Empty(request.RequestedOutputs);
        Assert.Equal(["input0", "input1"], request.Batch.Columns.Select(c => c.Name));
    }

    [Theory]
    [InlineData("[3]")]
    [InlineData("[3, 1]")]
    public void Parse_scalar_column_takes_n_or_n_by_1(string shape)
    {
        var request = Parse(
            $$"""{"inputs": [{"name": "x", "shape": {{shape}}, "datatype": "BYTES", "data": ["a", "b", "c"]}]}""", [ColumnSchema.Scalar("x", DataType.String)]);

        Assert.Equal(["a", "b", "c"], request.Batch["x"].As<string>());
        Assert.Empty(request.Batch["x"].RowShape);
    }

    [Fact]
    public void Parse_open_dimension_takes_the_sent_size()
    {
        var request = Parse(
            """{"inputs": [{"name": "t", "shape": [1, 3], "datatype": "BOOL", "data": [true, false, true]}]}""", [new ColumnSchema("t", DataType.Boolean, [-1])]);

        Assert.Equal([3], request.Batch["t"].RowShape);
        Assert.Equal([true, false, true], request.Batch["t"].As<bool>());
    }

    [Theory]
    [InlineData("INT32", DataType.Int64)]
    [InlineData("INT32", DataType.Float64)]
    [InlineData("FP32", DataType.Float64)]
    [InlineData("FP16", DataType.Float32)]
    [InlineData("UINT8", DataType.Int32)]
    [InlineData("INT16", DataType.Float32)]
    [InlineData("UINT64", DataType.Int64)]
    public void Parse_widens_losslessly(string datatype, DataType type)
    {
        var request = Parse(
            $$"""{"inputs": [{"name": "x", "shape": [2], "datatype": "{{datatype}}", "data": [1, 200]}]}""", [ColumnSchema.Scalar("x", type)]);

        Assert.Equal(type, request.Batch["x"].Type);
        Assert.Equal(["1", "200"], request.Batch["x"].Values.Cast<object>().Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Theory]
    [InlineData("FP64", DataType.Float32, "datatype FP64 cannot feed the model's FP32 input")]
    [InlineData("FP32", DataType.Int64, "datatype FP32 cannot feed the model's INT64 input")]
    [InlineData("INT64", DataType.Int32, "datatype INT64 cannot feed the model's INT32 input")]
    [InlineData("INT32", DataType.Float32, "datatype INT32 cannot feed the model's FP32 input")]
    [InlineData("BYTES", DataType.Boolean, "datatype BYTES cannot feed the model's BOOL input")]
    [InlineData("FP128", DataType.Float64, "'datatype' must be one of the protocol's")]
    public void Parse_datatype_that_does_not_fit_is_refused(string datatype, DataType type, string expected)
    {
        var e = Fails($$"""{"inputs": [{"name": "x", "shape": [1], "datatype": "{{datatype}}", "data": [1]}]}""", [ColumnSchema.Scalar("x", type)]);

        Assert.Contains($"Input 'x': {expected}", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("UINT32", "[4294967295]", "Input 'x', value 0: 4294967295 does not fit the model's INT32 input")]
    [InlineData("INT8", "[1, 300]", "Input 'x', value 1: expected INT8, got 300")]
    [InlineData("UINT8", "[-1]", "Input 'x', value 0: expected UINT8, got -1")]
    [InlineData("INT32", "[1.5]", "Input 'x', value 0: expected INT32, got 1.5")]
    [InlineData("INT32", "[\"1\"]", "Input 'x', value 0: expected INT32, got the string \"1\"")]
    public void Parse_values_that_do_not_fit_are_named(string datatype, string data, string expected)
    {
        var count = data.Count(c => c == ',') + 1;
        var e = Fails($$"""{"inputs": [{"name": "x", "shape": [{{count}}], "datatype": "{{datatype}}", "data": {{data}}}]}""", [ColumnSchema.Scalar("x", DataType.Int32)]);

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"inputs": [{"name": "input0", "shape": [1, 2], "datatype": "INT32", "data": [1, 2]}, {"name": "extra", "shape": [1], "datatype": "FP32", "data": [1]}]}""", "Unknown input(s) 'extra'; the model's inputs are input0, input1")]
    [InlineData("""{"inputs": [{"name": "input0", "shape": [1, 2], "datatype": "INT32", "data": [1, 2]}]}""", "Missing input(s) 'input1'")]
    [InlineData("""{"inputs": [{"name": "input0", "shape": [1, 2], "datatype": "INT32", "data": [1, 2]}, {"name": "input0", "shape": [1, 2], "datatype": "INT32", "data": [1, 2]}]}""", "Input 'input0' appears twice")]
    [InlineData("""{"inputs": [{"name": "input0", "shape": [1, 2], "datatype": "INT32", "data": [1, 2]}, {"name": "input1", "shape": [2, 2], "datatype": "FP32", "data": [1, 2, 3, 4]}]}""", "Input 'input1' has batch size 2 (shape[0]), but input 'input0' has 1")]
    [InlineData("""{"inputs": [{"name": "input0", "shape": [2, 2], "datatype": "INT32", "data": [1, 2, 3]}, {"name": "input1", "shape": [2, 2], "datatype": "FP32", "data": [1, 2, 3, 4]}]}""", "Input 'input0': shape [2, 2] needs 4 value(s), but 'data' holds 3")]
    [InlineData("""{"inputs": [{"name": "input0", "shape": [1, 3], "datatype": "INT32", "data": [1, 2, 3]}, {"name": "input1", "shape": [1, 2], "datatype": "FP32", "data": [1, 2]}]}""", "Input 'input0': shape [1, 3] does not fit the model's input shape [-1, 2]")]
    [InlineData("""{"inputs": [{"name": "input0", "shape": [-1, 2], "datatype": "INT32", "data": [1, 2]}, {"name": "input1", "shape": [1, 2], "datatype": "FP32", "data": [1, 2]}]}""", "Input 'input0': 'shape' must be an array of non-negative integers")]
    [InlineData("""{"inputs": [{"name": "input0", "shape": [1, 2], "datatype": "INT32"}, {"name": "input1", "shape": [1, 2], "datatype": "FP32", "data": [1, 2]}]}""", "Input 'input0': 'data' must be an array")]
    [InlineData("""{"inputs": [{"name": "input0", "shape": [0, 2], "datatype": "INT32", "data": []}, {"name": "input1", "shape": [0, 2], "datatype": "FP32", "data": []}]}""", "The input has no rows")]
    [InlineData("""{"inputs": [{"shape": [1]}]}""", "inputs[0] must be an object with a 'name' string")]
    [InlineData("""{"id": 42, "inputs": []}""", "The request's 'id' must be a string, not 42")]
    [InlineData("""{"inputs": [], "outputs": ["output0"]}""", "Missing input(s) 'input0', 'input1'")]
    [InlineData("""{"id": "1"}""", "needs an 'inputs' array")]
    [InlineData("""{"inputs": [""", "The inference request is not valid JSON")]
    public void Parse_bad_request_names_the_problem(string body, string expected)
    {
        Assert.Contains(expected, Fails(body).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_scalar_column_refuses_a_wider_row()
    {
        var e = Fails("""{"inputs": [{"name": "x", "shape": [1, 2], "datatype": "FP64", "data": [1, 2]}]}""", [ColumnSchema.Scalar("x", DataType.Float64)]);

        Assert.Contains("Input 'x': shape [1, 2] does not fit the model's scalar input; send [N] or [N, 1]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_the_protocols_example_response()
    {
        var outputs = new DataBatch([DataColumn.Of("output0", new[] { 1f, 2.5f, 3f, 4f }, [2]), DataColumn.Of("output1", new[] { "a", "b" })]);

        var json = Encoding.UTF8.GetString(OipInferenceResponse.Write("mymodel", "3", "42", outputs, ["output0"]));

        Assert.Equal(
            """{"model_name":"mymodel","model_version":"3","id":"42","outputs":[{"name":"output0","shape":[2,2],"datatype":"FP32","data":[1,2.5,3,4]}]}""",
            json);
    }

    [Fact]
    public void Write_every_output_when_none_requested_and_omits_absent_fields()
    {
        var outputs = new DataBatch([DataColumn.Of("label", new long[] { 1, 0 }), DataColumn.Of("score", new[] { double.NaN, 0.5 })]);

        var json = Encoding.UTF8.GetString(OipInferenceResponse.Write("m", null, null, outputs, []));

        Assert.Equal(
            """{"model_name":"m","outputs":[{"name":"label","shape":[2],"datatype":"INT64","data":[1,0]},{"name":"score","shape":[2],"datatype":"FP64","data":[null,0.5]}]}""",
            json);
    }

    [Fact]
    public void Write_unknown_requested_output_is_refused()
    {
        var outputs = new DataBatch([DataColumn.Of("label", new long[] { 1 })]);

        var e = Assert.Throws<KeelException>(() => OipInferenceResponse.Write("m", null, null, outputs, ["label", "nope"]));

        Assert.Contains("Unknown output(s) 'nope' requested; the model's outputs are label", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateRequestedOutputs_names_every_unknown_output_before_scoring()
    {
        ColumnSchema[] outputs = [ColumnSchema.Scalar("label", DataType.Int64), new("probabilities", DataType.Float32, [3])];

        OipInferenceResponse.ValidateRequestedOutputs(["probabilities"], outputs);
        OipInferenceResponse.ValidateRequestedOutputs([], outputs);
        var e = Assert.Throws<KeelException>(() => OipInferenceResponse.ValidateRequestedOutputs(["a", "label", "b"], outputs));

        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
        Assert.Contains("Unknown output(s) 'a', 'b' requested; the model's outputs are label, probabilities", e.Message, StringComparison.Ordinal);
    }
}
