using System.Text;
using Keel.Core.Common;
using Keel.Core.Models;
using Keel.Core.Serving;

namespace Keel.Core.Tests.Serving;

public sealed class MlflowScoringRequestTests
{
    private const string Json = "application/json";

    private static readonly ColumnSchema[] Table =
    [
        ColumnSchema.Scalar("age", DataType.Int64),
        ColumnSchema.Scalar("income", DataType.Float32),
        ColumnSchema.Scalar("city", DataType.String),
    ];

    private static readonly ColumnSchema[] WithTensor =
    [
        ColumnSchema.Scalar("flag", DataType.Boolean),
        new("pixels", DataType.Float64, [2, 2]),
    ];

    private static ScoringRequest Parse(string body, IReadOnlyList<ColumnSchema> inputs, string? contentType = Json) =>
        MlflowScoringRequest.Parse(Encoding.UTF8.GetBytes(body), contentType, inputs);

    private static void AssertTable(DataBatch batch)
    {
        Assert.Equal(["age", "income", "city"], batch.Columns.Select(c => c.Name));
        Assert.Equal([41L, 7L], batch["age"].As<long>());
        Assert.Equal([1.5f, 2f], batch["income"].As<float>());
        Assert.Equal(["Oslo", "Bern"], batch["city"].As<string>());
    }

    [Fact]
    public void Parse_dataframe_split_ignores_the_index_and_extra_columns()
    {
        var request = Parse(
            """{"dataframe_split": {"index": [5, 6], "columns": ["city", "extra", "age", "income"], "data": [["Oslo", 0, 41, 1.5], ["Bern", 0, 7, 2]]}}""",
            Table);

        AssertTable(request.Batch);
        Assert.Null(request.Params);
    }

    [Fact]
    public void Parse_dataframe_records_reads_one_object_per_row()
    {
        var request = Parse(
            """{"dataframe_records": [{"age": 41, "income": 1.5, "city": "Oslo"}, {"city": "Bern", "income": 2, "age": 7}]}""", Table);

        AssertTable(request.Batch);
    }

    [Fact]
    public void Parse_instances_of_records_reads_tensors_per_row()
    {
        var request = Parse(
            """{"instances": [{"flag": true, "pixels": [[1, 2], [3, 4]]}, {"flag": false, "pixels": [[5, 6], [7, 8]]}]}""", WithTensor);

        Assert.Equal([true, false], request.Batch["flag"].As<bool>());
        Assert.Equal([1.0, 2, 3, 4, 5, 6, 7, 8], request.Batch["pixels"].As<double>());
        Assert.Equal([2, 2], request.Batch["pixels"].RowShape);
    }

    [Fact]
    public void Parse_instances_of_values_feeds_the_only_input()
    {
        var request = Parse("""{"instances": [[[1, 2], [3, 4]], [[5, 6], [7, 8]]]}""", [new ColumnSchema("x", DataType.Float32, [2, 2])]);

        Assert.Equal(2, request.Batch.RowCount);
        Assert.Equal([1f, 2, 3, 4, 5, 6, 7, 8], request.Batch["x"].As<float>());
    }

    [Fact]
    public void Parse_inputs_as_columns_reads_each_input()
    {
        var request = Parse("""{"inputs": {"flag": [true, false], "pixels": [[[1, 2], [3, 4]], [[5, 6], [7, 8]]]}}""", WithTensor);

        Assert.Equal([true, false], request.Batch["flag"].As<bool>());
        Assert.Equal([2, 2], request.Batch["pixels"].RowShape);
    }

    [Fact]
    public void Parse_inputs_as_a_list_feeds_the_only_input()
    {
        var request = Parse("""{"inputs": [1, 2.5, null]}""", [ColumnSchema.Scalar("y", DataType.Float64)]);

        Assert.Equal([1.0, 2.5, double.NaN], request.Batch["y"].As<double>());
    }

    [Fact]
    public void Parse_passes_params_through_and_detaches_them_from_the_body()
    {
        var request = Parse("""{"inputs": [1], "params": {"temperature": 0.5, "tags": ["a"]}}""", [ColumnSchema.Scalar("y", DataType.Int32)]);

        Assert.NotNull(request.Params);
        Assert.Equal(0.5, request.Params.Value.GetProperty("temperature").GetDouble());
        Assert.Equal("a", request.Params.Value.GetProperty("tags")[0].GetString());
    }

    [Theory]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("Application/JSON")]
    public void Parse_ignores_the_charset_and_case_of_the_content_type(string contentType)
    {
        var request = Parse("""{"inputs": [3]}""", [ColumnSchema.Scalar("y", DataType.Int64)], contentType);

        Assert.Equal([3L], request.Batch["y"].As<long>());
    }

    [Fact]
    public void Parse_widens_whole_numbers_losslessly()
    {
        var request = Parse(
            """{"inputs": {"i": [1.0, 1e3], "f": [1, 2]}}""",
            [ColumnSchema.Scalar("i", DataType.Int32), ColumnSchema.Scalar("f", DataType.Float32)]);

        Assert.Equal([1, 1000], request.Batch["i"].As<int>());
        Assert.Equal([1f, 2f], request.Batch["f"].As<float>());
    }

    [Fact]
    public void Parse_csv_converts_each_column_and_reads_quoted_fields()
    {
        const string csv = "city,age,income\r\n\"Oslo, \"\"Norway\"\"\",41,1.5\r\nBern,7,2\r\n";

        var request = Parse(csv, Table, "text/csv; charset=utf-8");

        Assert.Equal(["Oslo, \"Norway\"", "Bern"], request.Batch["city"].As<string>());
        Assert.Equal([41L, 7L], request.Batch["age"].As<long>());
        Assert.Equal([1.5f, 2f], request.Batch["income"].As<float>());
        Assert.Null(request.Params);
    }

    [Fact]
    public void Parse_csv_reads_an_empty_float_cell_as_NaN_and_a_quoted_empty_string()
    {
        var request = Parse("age,income,city\n1,,\"\"\n2,inf,x", Table, "text/csv");

        Assert.Equal([float.NaN, float.PositiveInfinity], request.Batch["income"].As<float>());
        Assert.Equal(["", "x"], request.Batch["city"].As<string>());
    }

    [Fact]
    public void Parse_csv_reads_a_tensor_cell_as_a_json_array_and_a_multiline_field()
    {
        var request = Parse("flag,pixels,note\nTrue,\"[[1, 2],\n [3, 4]]\",x\nfalse,\"[[5, 6], [7, 8]]\",y\n", WithTensor, "text/csv");

        Assert.Equal([true, false], request.Batch["flag"].As<bool>());
        Assert.Equal([1.0, 2, 3, 4, 5, 6, 7, 8], request.Batch["pixels"].As<double>());
        Assert.Equal([2, 2], request.Batch["pixels"].RowShape);
    }

    [Theory]
    [InlineData("text/plain", "content type 'text/plain'")]
    [InlineData("application/x-www-form-urlencoded", "application/json and text/csv")]
    [InlineData(null, "no content type")]
    public void Parse_unsupported_content_type_names_it_and_the_accepted_ones(string? contentType, string expected)
    {
        var e = Assert.Throws<KeelException>(() => Parse("""{"inputs": [1]}""", Table, contentType));

        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"params": {}}""", "exactly one of the input fields dataframe_split, dataframe_records, instances, inputs; got none of them")]
    [InlineData("""{"inputs": [1], "instances": [1]}""", "got 'inputs', 'instances'")]
    [InlineData("""{"inputs": [1], "columns": ["a"], "data": []}""", "Unknown field(s) 'columns', 'data'")]
    [InlineData("""[{"age": 1}]""", "must be a JSON object with exactly one of the input fields dataframe_split, dataframe_records, instances, inputs; got an array")]
    [InlineData("""{"inputs": [1""", "The request body is not valid JSON")]
    [InlineData("", "The request body is not valid JSON")]
    [InlineData("""{"inputs": [1], "params": [1]}""", "'params' must be a JSON object")]
    public void Parse_bad_envelope_names_the_problem(string body, string expected)
    {
        var e = Assert.Throws<KeelException>(() => Parse(body, [ColumnSchema.Scalar("y", DataType.Float64)]));

        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_invalid_utf8_is_a_client_error()
    {
        var e = Assert.Throws<KeelException>(() => MlflowScoringRequest.Parse([(byte)'{', 0xFF, (byte)'}'], Json, Table));

        Assert.Contains("not valid JSON", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"inputs": {"y": [1.5]}}""", DataType.Int64, "Input 'y', row 0: expected int64, got 1.5")]
    [InlineData("""{"inputs": {"y": ["1"]}}""", DataType.Int64, "Input 'y', row 0: expected int64, got the string \"1\"")]
    [InlineData("""{"dataframe_split": {"columns": ["y"], "data": [[true]]}}""", DataType.Float32, "Column 'y', row 0: expected float32, got true")]
    [InlineData("""{"dataframe_records": [{"y": 1e39}]}""", DataType.Float32, "Input 'y', row 0: expected float32, got 1e39")]
    [InlineData("""{"instances": [{"y": 1}, {"y": 2147483648}]}""", DataType.Int32, "Input 'y', row 1: expected int32, got 2147483648")]
    [InlineData("""{"inputs": [null]}""", DataType.String, "Input 'y', row 0: expected string, got null")]
    public void Parse_values_that_do_not_convert_losslessly_name_column_and_row(string body, DataType type, string expected)
    {
        var e = Assert.Throws<KeelException>(() => Parse(body, [ColumnSchema.Scalar("y", type)]));

        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"dataframe_split": {"columns": ["age"], "data": [[1]]}}""", "missing column(s) 'income', 'city' in 'dataframe_split.columns'")]
    [InlineData("""{"dataframe_records": [{"age": 1}]}""", "missing column(s) 'income', 'city' in 'dataframe_records'")]
    [InlineData("""{"instances": [{"age": 1, "income": 2}]}""", "missing column(s) 'city' in 'instances'")]
    [InlineData("""{"inputs": {"city": ["x"]}}""", "missing column(s) 'age', 'income' in 'inputs'")]
    [InlineData("""{"dataframe_records": [{"age": 1, "income": 1, "city": "x"}, {"age": 1, "income": 1}]}""", "Record 1 of 'dataframe_records' has no value for column 'city'")]
    [InlineData("""{"dataframe_records": [1]}""", "Record 0 of 'dataframe_records' must be an object")]
    [InlineData("""{"dataframe_records": {"age": 1}}""", "'dataframe_records' must be a list of records")]
    [InlineData("""{"instances": 3}""", "'instances' must be a list of instances")]
    public void Parse_missing_or_misshaped_columns_are_named(string body, string expected)
    {
        var e = Assert.Throws<KeelException>(() => Parse(body, Table));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"dataframe_split": {"columns": ["age", "income", "city"], "data": []}}""", Json)]
    [InlineData("""{"dataframe_records": []}""", Json)]
    [InlineData("""{"instances": []}""", Json)]
    [InlineData("""{"inputs": {"age": [], "income": [], "city": []}}""", Json)]
    [InlineData("age,income,city\n", "text/csv")]
    public void Parse_no_rows_is_refused(string body, string contentType)
    {
        var e = Assert.Throws<KeelException>(() => Parse(body, Table, contentType));

        Assert.Contains("the input has no rows", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("age,income\n1,2", "missing column(s) 'city' in the CSV header")]
    [InlineData("age,income,city\n1,2", "CSV line 2 has 2 field(s), but the header names 3 column(s)")]
    [InlineData("age,income,city\n1,2,x\n,3,y", "CSV line 3, column 'age': the cell is empty")]
    [InlineData("age,income,city\n1,2,", "CSV line 2, column 'city': the cell is empty")]
    [InlineData("age,income,city\n1.5,2,x", "CSV line 2, column 'age': expected int64, got \"1.5\"")]
    [InlineData("age,income,city\n1,true,x", "CSV line 2, column 'income': expected float32, got \"true\"")]
    [InlineData("age,income,city\n1,2,\"x", "CSV line 2: a quoted field is never closed")]
    [InlineData("", "The CSV input is empty")]
    public void Parse_bad_csv_names_line_and_column(string csv, string expected)
    {
        var e = Assert.Throws<KeelException>(() => Parse(csv, Table, "text/csv"));

        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_csv_tensor_cell_that_is_not_json_names_it()
    {
        var e = Assert.Throws<KeelException>(() => Parse("flag,pixels\ntrue,oops", WithTensor, "text/csv"));

        Assert.Contains("CSV line 2, column 'pixels': a tensor cell must hold a JSON array", e.Message, StringComparison.Ordinal);
    }
}
