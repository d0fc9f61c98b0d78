using Keel.Data.Tabular;
using Keel.Testing;
using Parquet.Schema;

namespace Keel.Data.Tests.Tabular;

public sealed class TabularDiffTests : IDisposable
{
    private readonly TempDirectory _dir = new("keel-tabular-diff");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task CompareAsync_SameFile_IsUnchanged()
    {
        var a = TableFiles.Csv(_dir.Path, "a.csv", "id,v\n1,x\n2,y\n");

        var diff = await TabularDiff.CompareAsync(a, a, TestContext.Current.CancellationToken);

        Assert.True(diff.IsUnchanged);
        Assert.Equal((2L, 2L), (diff.RowsBefore, diff.RowsAfter));
    }

    [Fact]
    public async Task CompareAsync_EditedAppendedAndDeletedRows_CountsThemAsMultisets()
    {
        // Before: (1,x) (2,y) (2,y) (3,z). After: (1,x) (2,y) (3,Z) (4,w) (4,w): one (2,y) and (3,z) removed, (3,Z) and two (4,w) added.
        var a = TableFiles.Csv(_dir.Path, "a.csv", "id,v\n1,x\n2,y\n2,y\n3,z\n");
        var b = TableFiles.Csv(_dir.Path, "b.csv", "id,v\n4,w\n1,x\n3,Z\n2,y\n4,w\n");

        var diff = await TabularDiff.CompareAsync(a, b, TestContext.Current.CancellationToken);

        Assert.Equal((4L, 5L, 3L, 2L), (diff.RowsBefore, diff.RowsAfter, diff.RowsAdded, diff.RowsRemoved));
        Assert.Empty(diff.TypeChanges);
    }

    [Fact]
    public async Task CompareAsync_SchemaChanges_ListsColumnsAndComparesSharedOnes()
    {
        var a = TableFiles.Csv(_dir.Path, "a.csv", "id,old,score\n1,a,1\n2,b,2\n");
        var b = TableFiles.Csv(_dir.Path, "b.csv", "id,score,new\n1,1,p\n2,n/a,q\n");

        var diff = await TabularDiff.CompareAsync(a, b, TestContext.Current.CancellationToken);

        Assert.Equal(["new"], diff.ColumnsAdded);
        Assert.Equal(["old"], diff.ColumnsRemoved);
        Assert.Equal([new ColumnTypeChange("score", "integer", "string")], diff.TypeChanges);
        // On (id, score), compared as canonical text: (1, 1) is in both; (2, 2) became (2, n/a).
        Assert.Equal((1L, 1L), (diff.RowsAdded, diff.RowsRemoved));
    }

    [Fact]
    public async Task CompareAsync_CsvAgainstParquetOfTheSameRows_IsUnchanged()
    {
        var csv = TableFiles.Csv(_dir.Path, "a.csv", "id,v\n1,1.50\n2,\n");
        var parquet = await TableFiles.ParquetAsync(_dir.Path, "b.parquet",
        [
            (new DataField("id", typeof(long), isNullable: true), new long?[] { 2, 1 }),
            (new DataField("v", typeof(double), isNullable: true), new double?[] { null, 1.5 }),
        ]);

        var diff = await TabularDiff.CompareAsync(csv, parquet, TestContext.Current.CancellationToken);

        Assert.True(diff.IsUnchanged, $"{diff}");
    }

    [Fact]
    public async Task CompareAsync_EmptyCellAndEmptyText_Differ()
    {
        var a = TableFiles.Csv(_dir.Path, "a.csv", "a,b\nx,\n");
        var b = TableFiles.Csv(_dir.Path, "b.csv", "a,b\nx,\"null\"\n");

        var diff = await TabularDiff.CompareAsync(a, b, TestContext.Current.CancellationToken);

        Assert.Equal((1L, 1L), (diff.RowsAdded, diff.RowsRemoved));
    }
}
