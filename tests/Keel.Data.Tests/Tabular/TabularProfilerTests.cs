using Keel.Core.Common;
using Keel.Core.Data.Profiles;
using Keel.Data.Tabular;
using Keel.Testing;
using Parquet.Schema;

namespace Keel.Data.Tests.Tabular;

public sealed class TabularProfilerTests : IDisposable
{
    private readonly TempDirectory _dir = new("keel-tabular-profile");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task ProfileAsync_Csv_InfersEachColumnsType()
    {
        var path = TableFiles.Csv(_dir.Path, "t.csv", """
            id,price,flag,when,name,empty
            1,1.5,true,2024-01-02,a,
            2,2,FALSE,2024-01-03T10:00:00Z,b,
            ,1e3,True,2024-01-04 10:00:00+02:00,3,
            """);

        var profile = await TabularProfiler.ProfileAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(3, profile.RowCount);
        Assert.Equal(
            [("id", "integer"), ("price", "double"), ("flag", "boolean"), ("when", "datetime"), ("name", "string"), ("empty", "string")],
            profile.Columns.Select(c => (c.Name, c.Type)));
        var id = profile.Columns[0];
        Assert.Equal((2L, 1L, 1.5), (id.Count, id.Nulls, id.Mean!.Value));
        Assert.Equal(334.5, profile.Columns[1].Mean!.Value, 12);
        Assert.Equal([new ValueCount("true", 2), new ValueCount("false", 1)], profile.Columns[2].TopValues);
        Assert.Equal("2024-01-04T08:00:00Z", profile.Columns[3].TopValues![2].Value);
        Assert.Equal((0L, 3L), (profile.Columns[5].Count, profile.Columns[5].Nulls));
    }

    [Fact]
    public async Task ProfileAsync_NonIsoDate_StaysText()
    {
        var path = TableFiles.Csv(_dir.Path, "d.csv", "d\n03/04/2020\n2020-04-03\n");

        var profile = await TabularProfiler.ProfileAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal("string", profile.Columns[0].Type);
    }

    [Fact]
    public async Task ProfileAsync_Parquet_TypesFromItsSchema()
    {
        var path = await TableFiles.ParquetAsync(_dir.Path, "t.parquet",
        [
            (new DataField("id", typeof(long), isNullable: true), new long?[] { 1, 2, null }),
            (new DataField("n", typeof(int), isNullable: false), new[] { 4, 5, 6 }),
            (new DataField("x", typeof(float), isNullable: false), new[] { 0.1f, 0.2f, 0.3f }),
            (new DataField("ok", typeof(bool), isNullable: true), new bool?[] { true, null, false }),
            (new DataField("at", typeof(DateTime), isNullable: false), new[] { new DateTime(2024, 1, 2, 0, 0, 0, DateTimeKind.Utc), new DateTime(2024, 1, 3, 0, 0, 0, DateTimeKind.Utc), new DateTime(2024, 1, 3, 0, 0, 0, DateTimeKind.Utc) }),
            (new DataField("s", typeof(string), isNullable: true), new string?[] { "a", null, "a" }),
        ]);

        var profile = await TabularProfiler.ProfileAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(
            [("id", "integer"), ("n", "integer"), ("x", "double"), ("ok", "boolean"), ("at", "datetime"), ("s", "string")],
            profile.Columns.Select(c => (c.Name, c.Type)));
        Assert.Equal((2L, 1L), (profile.Columns[0].Count, profile.Columns[0].Nulls));
        Assert.Equal(5, profile.Columns[1].Mean);
        Assert.Equal([new ValueCount("2024-01-03T00:00:00Z", 2), new ValueCount("2024-01-02T00:00:00Z", 1)], profile.Columns[4].TopValues);
        Assert.Equal([new ValueCount("a", 2)], profile.Columns[5].TopValues);
    }

    [Fact]
    public async Task ProfileAsync_CsvAndParquetOfTheSameData_GiveTheSameProfile()
    {
        var values = Enumerable.Range(0, 300).Select(i => i * 0.25).ToArray();
        var csv = TableFiles.Csv(_dir.Path, "same.csv", "v\n" + string.Join('\n', values.Select(CanonicalText.Number)) + "\n");
        var parquet = await TableFiles.ParquetAsync(_dir.Path, "same.parquet", [(new DataField("v", typeof(double), isNullable: false), values)], groups: 3);

        var fromCsv = await TabularProfiler.ProfileAsync(csv, TestContext.Current.CancellationToken);
        var fromParquet = await TabularProfiler.ProfileAsync(parquet, TestContext.Current.CancellationToken);

        Assert.Equal(fromCsv.ToJson(), fromParquet.ToJson());
    }

    [Fact]
    public async Task ProfileAsync_ColumnLargerThanTheExactLimit_FillsItsHistogramInASecondPass()
    {
        // 1..100 in two batches' worth of rows; 8 Sturges bins of width 12.375 over [1, 100].
        var csv = TableFiles.Csv(_dir.Path, "big.csv", "v,t\n" + string.Join('\n', Enumerable.Range(1, 100).Select(i => $"{i},x")) + "\n");

        var profile = await TabularProfiler.ProfileAsync(csv, TestContext.Current.CancellationToken, new ProfileOptions { ExactValueLimit = 10, SketchCapacity = 16 });

        Assert.Equal([13, 12, 13, 12, 12, 13, 12, 13], profile.Columns[0].Histogram!.Counts);
        Assert.Equal(50.5, profile.Columns[0].Mean);
    }

    [Fact]
    public async Task ProfileAsync_RaggedRow_NamesTheLine()
    {
        var path = TableFiles.Csv(_dir.Path, "ragged.csv", "a,b\n1,2\n\"multi\nline\",3\n4\n");

        var error = await Assert.ThrowsAsync<KeelException>(() => TabularProfiler.ProfileAsync(path, TestContext.Current.CancellationToken));

        Assert.Equal($"{path}: line 5: expected 2 fields as in the header, got 1.", error.Message);
    }

    [Fact]
    public async Task ProfileAsync_UnclosedQuote_IsAMalformedCsvError()
    {
        var path = TableFiles.Csv(_dir.Path, "quote.csv", "a,b\n1,\"2\n3,4\n");

        var error = await Assert.ThrowsAsync<KeelException>(() => TabularProfiler.ProfileAsync(path, TestContext.Current.CancellationToken));

        Assert.StartsWith($"{path}: malformed CSV:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProfileAsync_NotParquet_SaysSo()
    {
        var path = TableFiles.Csv(_dir.Path, "fake.parquet", "this is not parquet at all");

        var error = await Assert.ThrowsAsync<KeelException>(() => TabularProfiler.ProfileAsync(path, TestContext.Current.CancellationToken));

        Assert.StartsWith($"{path}: not a readable Parquet file:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProfileAsync_MissingFile_IsNotFound()
    {
        var error = await Assert.ThrowsAsync<KeelException>(() => TabularProfiler.ProfileAsync(Path.Combine(_dir.Path, "none.csv"), TestContext.Current.CancellationToken));

        Assert.Equal(ErrorCode.ResourceDoesNotExist, error.Code);
    }

    [Fact]
    public async Task ProfileAsync_HeaderOnly_HasColumnsAndNoRows()
    {
        var path = TableFiles.Csv(_dir.Path, "h.csv", "a,b\n");

        var profile = await TabularProfiler.ProfileAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(0, profile.RowCount);
        Assert.Equal(["a", "b"], profile.Columns.Select(c => c.Name));
    }

    [Theory]
    [InlineData("x.csv", true)]
    [InlineData("x.CSV", true)]
    [InlineData("x.parquet", true)]
    [InlineData("x.json", false)]
    [InlineData("x", false)]
    public void IsTabular_ByExtension(string path, bool tabular) => Assert.Equal(tabular, TabularFormats.IsTabular(path));
}
