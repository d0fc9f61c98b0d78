using System.Text;
using Keel.Core.Models;
using Keel.Core.Serving;

namespace Keel.Core.Tests.Serving;

/// <summary>The one-pass reader of the common dataframe_split body, and its agreement with the general reader.</summary>
public sealed class DataFrameSplitFastPathTests
{
    private static readonly ColumnSchema[] Table =
    [
        ColumnSchema.Scalar("age", DataType.Int64),
        ColumnSchema.Scalar("income", DataType.Float32),
        ColumnSchema.Scalar("city", DataType.String),
        ColumnSchema.Scalar("member", DataType.Boolean),
        ColumnSchema.Scalar("score", DataType.Float64),
        ColumnSchema.Scalar("visits", DataType.Int32),
    ];

    private static bool TryRead(string body, out ScoringRequest? request, IReadOnlyList<ColumnSchema>? inputs = null) =>
        DataFrameSplitFastPath.TryRead(Encoding.UTF8.GetBytes(body), inputs ?? Table, out request);

    [Fact]
    public void TryRead_ScalarColumnsWithIndexExtraColumnsAndParams_ReadsTypedColumnsInSchemaOrder()
    {
        const string body = """
            {"params": {"k": [1]}, "dataframe_split": {"index": [4, 5], "columns": ["city", "extra", "visits", "score", "member", "income", "age"],
             "data": [["Oslo", "ignored", 1.0, null, true, "NaN", 41], ["Bern", 0, 2, "-Infinity", false, 2, 7e0]]}}
            """;

        Assert.True(TryRead(body, out var request));
        var batch = request!.Batch;
        Assert.Equal(["age", "income", "city", "member", "score", "visits"], batch.Columns.Select(c => c.Name));
        Assert.Equal([41L, 7L], batch["age"].As<long>());
        Assert.True(float.IsNaN(batch["income"].As<float>()[0]));
        Assert.Equal(2f, batch["income"].As<float>()[1]);
        Assert.Equal(["Oslo", "Bern"], batch["city"].As<string>());
        Assert.Equal([true, false], batch["member"].As<bool>());
        Assert.True(double.IsNaN(batch["score"].As<double>()[0]));
        Assert.Equal(double.NegativeInfinity, batch["score"].As<double>()[1]);
        Assert.Equal([1, 2], batch["visits"].As<int>());
        Assert.Equal(1, request.Params!.Value.GetProperty("k")[0].GetInt32());
    }

    [Theory]
    [InlineData("""{"dataframe_split": {"data": [[1]], "columns": ["age"]}}""")] // data before columns
    [InlineData("""{"dataframe_split": {"columns": ["age", "income", "city", "member", "score"], "data": [[1, 1, "a", true, 1]]}}""")] // visits missing
    [InlineData("""{"dataframe_split": {"columns": ["age", "age", "income", "city", "member", "score", "visits"], "data": [[1, 1, 1, "a", true, 1, 1]]}}""")]
    [InlineData("""{"dataframe_split": {"columns": ["age", "income", "city", "member", "score", "visits"], "data": []}}""")]
    [InlineData("""{"dataframe_split": {"columns": ["age", "income", "city", "member", "score", "visits"], "data": [[1.5, 1, "a", true, 1, 1]]}}""")]
    [InlineData("""{"dataframe_split": {"columns": ["age", "income", "city", "member", "score", "visits"], "data": [[1, 1e39, "a", true, 1, 1]]}}""")]
    [InlineData("""{"dataframe_split": {"columns": ["age", "income", "city", "member", "score", "visits"], "data": [[1, 1, "a", 1, 1, 1]]}}""")]
    [InlineData("""{"dataframe_split": {"columns": ["age", "income", "city", "member", "score", "visits"], "data": [[1, 1, "a", true, 1, 2147483648]]}}""")]
    [InlineData("""{"dataframe_split": {"columns": ["age", "income", "city", "member", "score", "visits"], "data": [[1, 1, "a", true, 1]]}}""")]
    [InlineData("""{"dataframe_split": {"columns": ["age", "income", "city", "member", "score", "visits"], "data": [[[1], 1, "a", true, 1, 1]]}}""")]
    [InlineData("""{"dataframe_split": {"columns": ["age", "income", "city", "member", "score", "visits"], "data": [[1, 1, "a", true, 1, 1]]}} x""")]
    [InlineData("""{"dataframe_split": {"columns": ["age", "income", "city", "member", "score", "visits"], "data": [[1, 1, "a", true, 1, 1]]}, "inputs": []}""")]
    [InlineData("""{"dataframe_split": {"columns": ["age", "income", "city", "member", "score", "visits"], "data": [[1, 1, "a", true, 1, 1]]}, "params": 3}""")]
    [InlineData("""{"dataframe_split": {"columns": ["age", "income", "city", "member", "score", "visits"], "data": [[1, 1, "a", true, 1, 1]], "orient": "x"}}""")]
    [InlineData("""{"dataframe_records": [{"age": 1}]}""")]
    [InlineData("""[1]""")]
    [InlineData("""{"dataframe_split": {"columns": ["age", "income", "city", "member", "score", "visits"], "data": [[1, 1, "a", true, 1, 1]]""")]
    public void TryRead_AnythingButThePlainCase_LeavesItToTheGeneralReader(string body)
    {
        Assert.False(TryRead(body, out var request));
        Assert.Null(request);
    }

    [Fact]
    public void TryRead_TensorInput_LeavesItToTheGeneralReader()
    {
        ColumnSchema[] tensor = [new("pixels", DataType.Float32, [2])];

        Assert.False(TryRead("""{"dataframe_split": {"columns": ["pixels"], "data": [[[1, 2]]]}}""", out _, tensor));
    }

    [Theory]
    [InlineData("""["age", "income", "city", "member", "score", "visits"]""", """[[1, 2.5, "a", true, 1e-3, 7], [-3, null, "b", false, "Infinity", -1.0]]""")]
    [InlineData("""["visits", "score", "member", "city", "income", "age", "x"]""", """[[1, 2, false, "\u00e9", 3.4028234e38, 9007199254740993, "y"]]""")]
    public void Parse_FastAndGeneralReaders_GiveTheSameBatch(string columns, string data)
    {
        var fast = $$$"""{"dataframe_split": {"columns": {{{columns}}}, "data": {{{data}}}}}""";
        // Data before columns is left to the general reader.
        var general = $$$"""{"dataframe_split": {"data": {{{data}}}, "columns": {{{columns}}}}}""";
        Assert.True(TryRead(fast, out _));
        Assert.False(TryRead(general, out _));

        var fastBatch = MlflowScoringRequest.Parse(Encoding.UTF8.GetBytes(fast), MlflowScoringRequest.JsonContentType, Table).Batch;
        var generalBatch = MlflowScoringRequest.Parse(Encoding.UTF8.GetBytes(general), MlflowScoringRequest.JsonContentType, Table).Batch;

        Assert.Equal(generalBatch.Columns.Select(c => c.Name), fastBatch.Columns.Select(c => c.Name));
        foreach (var column in Table)
        {
            Assert.Equal(generalBatch[column.Name].Type, fastBatch[column.Name].Type);
            Assert.Equal(generalBatch[column.Name].Values, fastBatch[column.Name].Values);
        }
    }
}
