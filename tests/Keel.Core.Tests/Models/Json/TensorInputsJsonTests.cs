using Keel.Core.Common;
using Keel.Core.Models;
using Keel.Core.Models.Json;

namespace Keel.Core.Tests.Models.Json;

public sealed class TensorInputsJsonTests
{
    private static readonly ColumnSchema[] Named =
    [
        new("pixels", DataType.Float64, [2, 2]),
        ColumnSchema.Scalar("age", DataType.Int64),
        new("tokens", DataType.String, [-1]),
    ];

    [Fact]
    public void Read_unnamed_tensor_feeds_the_only_input_row_major()
    {
        // As MLflow 2.10.2 writes np.array([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]) as an input example.
        var read = TensorInputsJson.Read(
            """{"inputs": [[[1.0, 2.0], [3.0, 4.0]], [[5.0, 6.0], [7.0, 8.0]]]}""", [new ColumnSchema("x", DataType.Float32, [2, 2])]);

        var x = Assert.Single(read.Columns);
        Assert.Equal(2, read.RowCount);
        Assert.Equal([2, 2], x.RowShape);
        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f], x.As<float>());
    }

    [Fact]
    public void Read_named_tensors_keeps_the_schema_order_and_ignores_extra_inputs()
    {
        var read = TensorInputsJson.Read(
            """{"inputs": {"extra": [1, 2], "tokens": [["a", "b", "c"], ["d", "e", "f"]], "age": [41, 7], "pixels": [[[1, 2], [3, 4]], [[5, 6], [7, 8]]]}}""",
            Named);

        Assert.Equal(["pixels", "age", "tokens"], read.Columns.Select(c => c.Name));
        Assert.Equal([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0], read["pixels"].As<double>());
        Assert.Equal([41L, 7L], read["age"].As<long>());
        Assert.Empty(read["age"].RowShape);
        Assert.Equal(["a", "b", "c", "d", "e", "f"], read["tokens"].As<string>());
        Assert.Equal([3], read["tokens"].RowShape);
    }

    [Fact]
    public void Read_scalar_input_takes_a_list_of_values_or_rows_of_one()
    {
        ColumnSchema[] schema = [ColumnSchema.Scalar("y", DataType.Float32)];

        var flat = TensorInputsJson.Read("""{"inputs": [1.5, 2.5]}""", schema);
        var columnar = TensorInputsJson.Read("""{"inputs": [[1.5], [2.5]]}""", schema);

        Assert.Equal([1.5f, 2.5f], flat["y"].As<float>());
        Assert.Equal([1.5f, 2.5f], columnar["y"].As<float>());
        Assert.Empty(columnar["y"].RowShape);
    }

    [Fact]
    public void Read_unnamed_matrix_feeds_scalar_inputs_by_position()
    {
        var read = TensorInputsJson.Read(
            """{"inputs": [[1, 2.5], [3, 4.5]]}""", [ColumnSchema.Scalar("a", DataType.Int32), ColumnSchema.Scalar("b", DataType.Float64)]);

        Assert.Equal([1, 3], read["a"].As<int>());
        Assert.Equal([2.5, 4.5], read["b"].As<double>());
    }

    [Fact]
    public void Read_null_in_a_float_input_is_NaN_as_MLflow_writes_it()
    {
        var read = TensorInputsJson.Read("""{"inputs": [[1.0, null]]}""", [new ColumnSchema("x", DataType.Float32, [2])]);

        Assert.Equal([1f, float.NaN], read["x"].As<float>());
    }

    [Theory]
    [InlineData("""{"inputs": {"pixels": [[[1, 2], [3, 4]]], "tokens": [["a"]]}}""", "Input 'age' is missing from 'inputs'")]
    [InlineData("""{"inputs": {"pixels": [[[1, 2], [3, 4]]], "age": ["old"], "tokens": [["a"]]}}""", "Input 'age', row 0: expected int64, got the string \"old\"")]
    [InlineData("""{"inputs": {"pixels": [[[1, 2], [3, 4]], [[1, 2, 3]]], "age": [1, 2], "tokens": [["a"], ["b"]]}}""", "Input 'pixels', row 1: expected shape [2, 2], got shape [1, 3]")]
    [InlineData("""{"inputs": {"pixels": [[[1, 2], [3]]], "age": [1], "tokens": [["a"]]}}""", "Input 'pixels', row 0: the nested arrays are ragged")]
    [InlineData("""{"inputs": {"pixels": [[[1, 2], [3, 4]]], "age": [[1, 2]], "tokens": [["a"]]}}""", "Input 'age', row 0: expected a single value, got shape [2]")]
    [InlineData("""{"inputs": {"pixels": [[[1, 2], [3, 4]], [[1, 2], [3, 4]]], "age": [1, 2], "tokens": [["a"], ["b", "c"]]}}""", "Input 'tokens', row 1: has shape [2], but row 0 has shape [1]")]
    [InlineData("""{"inputs": {"pixels": 3, "age": [1], "tokens": [["a"]]}}""", "Input 'pixels' must be an array with one entry per row, not 3")]
    [InlineData("""{"inputs": [[1, 2]]}""", "one unnamed tensor, but the model reads 3 inputs (pixels, age, tokens)")]
    [InlineData("""{"instances": [[1, 2]]}""", "needs an 'inputs' field")]
    [InlineData("""{"inputs": "x"}""", "'inputs' must be an array or an object of arrays, not the string \"x\"")]
    [InlineData("""{"inputs": [[1, 2]""", "not valid JSON")]
    public void Bad_input_names_the_problem(string json, string expected)
    {
        var error = Assert.Throws<KeelException>(() => TensorInputsJson.Read(json, Named));

        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unnamed_rows_of_the_wrong_width_name_the_row()
    {
        var error = Assert.Throws<KeelException>(() => TensorInputsJson.Read(
            """{"inputs": [[1, 2], [3]]}""", [ColumnSchema.Scalar("a", DataType.Int32), ColumnSchema.Scalar("b", DataType.Int32)]));

        Assert.Contains("Row 1 of 'inputs' must be an array of 2 values, one for each input (a, b)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rows_of_unequal_count_across_named_inputs_are_refused()
    {
        var error = Assert.Throws<KeelException>(() => TensorInputsJson.Read(
            """{"inputs": {"a": [1, 2], "b": [3]}}""", [ColumnSchema.Scalar("a", DataType.Int32), ColumnSchema.Scalar("b", DataType.Int32)]));

        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
        Assert.Contains("Input 'b' has 1 row(s), but input 'a' has 2", error.Message, StringComparison.Ordinal);
    }
}
