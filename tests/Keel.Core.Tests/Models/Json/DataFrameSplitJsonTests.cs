using Keel.Core.Common;
using Keel.Core.Models;
using Keel.Core.Models.Json;

namespace Keel.Core.Tests.Models.Json;

public sealed class DataFrameSplitJsonTests
{
    private static readonly ColumnSchema[] Schema =
    [
        ColumnSchema.Scalar("age", DataType.Int64),
        ColumnSchema.Scalar("income", DataType.Float32),
        ColumnSchema.Scalar("city", DataType.String),
        new("pixels", DataType.Float64, [2, 2]),
    ];

    [Fact]
    public void Write_then_read_round_trips_scalars_and_tensors()
    {
        var batch = new DataBatch(
        [
            DataColumn.Of("age", new long[] { 41, 7 }),
            DataColumn.Of("income", new[] { 1.5f, -2.25f }),
            DataColumn.Of("city", new[] { "Oslo", "Zürich \"quoted\"" }),
            DataColumn.Of("pixels", new[] { 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0 }, [2, 2]),
        ]);

        var json = DataFrameSplitJson.Write(batch);
        var read = DataFrameSplitJson.Read(json, Schema);

        Assert.StartsWith("""{"columns":["age","income","city","pixels"],"data":[[41,1.5,"Oslo",[[1,2],[3,4]]]""", json, StringComparison.Ordinal);
        Assert.Equal(2, read.RowCount);
        Assert.Equal([41L, 7L], read["age"].As<long>());
        Assert.Equal([1.5f, -2.25f], read["income"].As<float>());
        Assert.Equal(["Oslo", "Zürich \"quoted\""], read["city"].As<string>());
        Assert.Equal([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0], read["pixels"].As<double>());
        Assert.Equal([2, 2], read["pixels"].RowShape);
    }

    [Fact]
    public void Read_keeps_the_schema_order_and_ignores_extra_columns()
    {
        var read = DataFrameSplitJson.Read(
            """{"columns": ["extra", "income", "age"], "data": [["x", 2.5, 3]]}""",
            [ColumnSchema.Scalar("age", DataType.Int64), ColumnSchema.Scalar("income", DataType.Float64)]);

        Assert.Equal(["age", "income"], read.Columns.Select(c => c.Name));
        Assert.Equal([3L], read["age"].As<long>());
        Assert.Equal([2.5], read["income"].As<double>());
    }

    [Theory]
    [InlineData("""{"columns": ["age"], "data": [[1]]}""", "Column 'income' is missing")]
    [InlineData("""{"columns": ["age", "income"], "data": [["old", 1.0]]}""", "Column 'age', row 0: expected int64, got the string \"old\"")]
    [InlineData("""{"columns": ["age", "income"], "data": [[1, 2.0], [2]]}""", "Row 1 of 'data' must be an array of 2 values")]
    [InlineData("""{"columns": ["age", "income"]}""", "needs a 'columns' array and a 'data' array")]
    [InlineData("""{"columns": ["age", "income"], "data": [[1, 2.0]""", "not valid JSON")]
    [InlineData("""{"columns": ["age", "income"], "data": [[1.5, 2.0]]}""", "Column 'age', row 0: expected int64, got 1.5")]
    public void Bad_input_names_the_problem(string json, string expected)
    {
        var error = Assert.Throws<KeelException>(() => DataFrameSplitJson.Read(
            json, [ColumnSchema.Scalar("age", DataType.Int64), ColumnSchema.Scalar("income", DataType.Float64)]));

        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tensor_cell_of_the_wrong_size_is_refused()
    {
        var error = Assert.Throws<KeelException>(() => DataFrameSplitJson.Read(
            """{"columns": ["pixels"], "data": [[[1, 2, 3]]]}""", [new ColumnSchema("pixels", DataType.Float64, [2, 2])]));

        Assert.Contains("Column 'pixels', row 0: expected 4 value(s), got 3", error.Message, StringComparison.Ordinal);
    }
}
