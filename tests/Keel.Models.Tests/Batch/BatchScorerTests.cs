using System.Globalization;
using Keel.Core.Common;
using Keel.Core.Models;
using Keel.Models.Batch;
using Keel.Models.Packages;
using Keel.Models.Tests.Packages;
using Keel.Testing;
using Microsoft.ML;

namespace Keel.Models.Tests.Batch;

public sealed class BatchScorerTests : IDisposable
{
    private readonly TempDirectory _directory = new("keel-batch");
    private readonly MLContext _ml = new(seed: 3);
    private readonly TumourRow[] _rows = PackageModels.Rows(250, seed: 2);
    private readonly LoadedModel _model;

    public BatchScorerTests()
    {
        var (model, schema) = PackageModels.FastTree(_ml, PackageModels.Rows(400, seed: 1));
        var package = Path.Combine(_directory.Path, "model");
        ModelPackageWriter.WriteMlNet(package, model, schema, PackageModels.Batch(_rows.Take(5)), new ModelPackageInfo());
        _model = ModelPackage.Load(package);
    }

    public void Dispose()
    {
        _model.Dispose();
        _directory.Dispose();
    }

    private string PathOf(string name) => Path.Combine(_directory.Path, name);

    [Fact]
    public async Task ScoreFileAsync_CsvToParquetInSmallChunks_MatchesDirectPredictInInputOrder()
    {
        File.WriteAllText(PathOf("in.csv"), BatchFiles.Csv(_rows));

        var result = await BatchScorer.ScoreFileAsync(_model, PathOf("in.csv"), PathOf("out.parquet"), null, new BatchScoringOptions { ChunkRows = 7 });

        Assert.Equal(_rows.Length, result.RowsScored);
        Assert.Equal(0, result.RowsRejected);
        var expected = _model.Predict(PackageModels.Batch(_rows));
        var written = await BatchFiles.ReadParquetAsync(PathOf("out.parquet"));
        Assert.Equal(["row", .. expected.Columns.Select(c => c.Name)], written.Keys);
        Assert.Equal(Enumerable.Range(1, _rows.Length).Select(i => (object?)(long)i), written["row"]);
        Assert.Equal(expected["Probability"].As<float>().Select(v => (object?)v), written["Probability"]);
        Assert.Equal(expected["PredictedLabel"].As<bool>().Select(v => (object?)v), written["PredictedLabel"]);
    }

    [Fact]
    public async Task ScoreFileAsync_ParquetWithSeveralRowGroupsToCsv_MatchesDirectPredict()
    {
        await BatchFiles.WriteParquetAsync(PathOf("in.parquet"), _rows, rowGroupSize: 60);

        var result = await BatchScorer.ScoreFileAsync(_model, PathOf("in.parquet"), PathOf("out.csv"), null, new BatchScoringOptions { ChunkRows = 25 });

        Assert.Equal(_rows.Length, result.RowsScored);
        var expected = _model.Predict(PackageModels.Batch(_rows))["Probability"].As<float>();
        var lines = BatchFiles.ReadCsv(PathOf("out.csv"));
        var probability = Array.IndexOf(lines[0], "Probability");
        Assert.Equal("row", lines[0][0]);
        Assert.Equal(_rows.Length, lines.Count - 1);
        for (var i = 0; i < _rows.Length; i++)
        {
            Assert.Equal((i + 1).ToString(CultureInfo.InvariantCulture), lines[i + 1][0]);
            Assert.Equal(expected[i], float.Parse(lines[i + 1][probability], CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public async Task ScoreFileAsync_ParquetWithATextColumn_ReadsItAndScoresEveryRow()
    {
        await BatchFiles.WriteParquetAsync(PathOf("text.parquet"), _rows, rowGroupSize: 50, withPatientColumn: true);

        var result = await BatchScorer.ScoreFileAsync(_model, PathOf("text.parquet"), PathOf("text-out.csv"), null, new BatchScoringOptions { ChunkRows = 40 });

        Assert.Equal(_rows.Length, result.RowsScored);
        Assert.Equal(_rows.Length, BatchFiles.ReadCsv(PathOf("text-out.csv")).Count - 1);
    }

    [Fact]
    public async Task ScoreFileAsync_BadCellsAndWrongFieldCounts_AreRejectedWithReasonsWhileGoodRowsAreScored()
    {
        var lines = BatchFiles.Csv(_rows.Take(10)).Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
        lines[3] = "1.5,abc,0.2";           // row 3: not a float
        lines[5] = "1.5,2.5";               // row 5: a field short
        lines[7] = "1.5,2.5,0.3,9";         // row 7: a field too many
        lines[9] = ",2.5,0.4";              // row 9: missing float, read as NaN and scored
        File.WriteAllText(PathOf("in.csv"), string.Join('\n', lines) + "\n");

        var result = await BatchScorer.ScoreFileAsync(_model, PathOf("in.csv"), PathOf("out.csv"), PathOf("rejects.csv"), new BatchScoringOptions { ChunkRows = 4 });

        Assert.Equal(7, result.RowsScored);
        Assert.Equal(3, result.RowsRejected);
        var rejects = BatchFiles.ReadCsv(PathOf("rejects.csv"));
        Assert.Equal(["row", "reason"], rejects[0]);
        Assert.Equal(["3", "5", "7"], rejects.Skip(1).Select(r => r[0]));
        Assert.Contains("column 'Texture': expected float, got 'abc'", File.ReadAllText(PathOf("rejects.csv")), StringComparison.Ordinal);
        Assert.Contains("expected 3 fields, got 2", File.ReadAllText(PathOf("rejects.csv")), StringComparison.Ordinal);
        Assert.Contains("expected 3 fields, got 4", File.ReadAllText(PathOf("rejects.csv")), StringComparison.Ordinal);
        Assert.Equal(["1", "2", "4", "6", "8", "9", "10"], BatchFiles.ReadCsv(PathOf("out.csv")).Skip(1).Select(r => r[0]));
        Assert.Equal(3, result.FirstRejects.Count);
    }

    [Fact]
    public async Task ScoreFileAsync_MissingRequiredColumn_FailsBeforeWritingAnything()
    {
        File.WriteAllText(PathOf("in.csv"), "Radius,Other\n1,2\n");

        var error = await Assert.ThrowsAsync<KeelException>(() =>
            BatchScorer.ScoreFileAsync(_model, PathOf("in.csv"), PathOf("out.parquet"), PathOf("rejects.csv")));

        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
        Assert.Equal("The input is missing required column(s) 'Texture', 'Smoothness'.", error.Message);
        Assert.False(File.Exists(PathOf("out.parquet")));
        Assert.False(File.Exists(PathOf("rejects.csv")));
    }

    [Fact]
    public async Task ScoreAsync_KeepColumns_CopiesInputColumnsAfterThePredictions()
    {
        using var input = new MemoryStream("id,Radius,Texture,Smoothness\nx1,5,2,0.5\nx2,1,1,0.1\n"u8.ToArray());
        using var output = new MemoryStream();

        var result = await BatchScorer.ScoreAsync(_model, input, TableFormat.Csv, output, TableFormat.Csv, null, new BatchScoringOptions { KeepColumns = true });

        Assert.Equal(2, result.RowsScored);
        var lines = System.Text.Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.EndsWith(",id,Radius,Texture,Smoothness", lines[0], StringComparison.Ordinal);
        Assert.EndsWith(",x2,1,1,0.1", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScoreAsync_ModelFailingOnOneRow_ScoresTheRestOfItsChunkOneByOne()
    {
        using var model = new PickyPredictor();
        using var input = new MemoryStream("x\n1\n2\n-3\n4\n"u8.ToArray());
        using var output = new MemoryStream();
        using var rejects = new MemoryStream();

        var result = await BatchScorer.ScoreAsync(model, input, TableFormat.Csv, output, TableFormat.Csv, rejects, new BatchScoringOptions { ChunkRows = 10 });

        Assert.Equal(3, result.RowsScored);
        Assert.Equal(new RejectedRow(3, "the model failed on this row: negative input -3"), Assert.Single(result.FirstRejects));
        Assert.Equal("row,y\n1,2\n2,4\n4,8\n", System.Text.Encoding.UTF8.GetString(output.ToArray()));
        Assert.Equal("row,reason\n3,the model failed on this row: negative input -3\n", System.Text.Encoding.UTF8.GetString(rejects.ToArray()));
    }

    [Fact]
    public async Task ScoreFileAsync_NoRowScored_StillWritesTheOutputSchema()
    {
        File.WriteAllText(PathOf("in.csv"), "Radius,Texture,Smoothness\nbig,1,1\n");

        var result = await BatchScorer.ScoreFileAsync(_model, PathOf("in.csv"), PathOf("out.parquet"), null);

        Assert.Equal((0, 1), (result.RowsScored, result.RowsRejected));
        var written = await BatchFiles.ReadParquetAsync(PathOf("out.parquet"));
        Assert.Contains("Probability", written.Keys);
        Assert.Empty(written["row"]);
    }

    /// <summary>Doubles x, and refuses a whole batch that holds a negative value, as a runtime might.</summary>
    private sealed class PickyPredictor : IPredictor
    {
        public string Flavor => "test";

        public IReadOnlyList<ColumnSchema> Inputs { get; } = [ColumnSchema.Scalar("x", DataType.Int64)];

        public IReadOnlyList<ColumnSchema> Outputs { get; } = [ColumnSchema.Scalar("y", DataType.Int64)];

        public DataBatch Predict(DataBatch input)
        {
            var x = input["x"].As<long>();
            return x.FirstOrDefault(v => v < 0) is var bad && bad < 0
                ? throw KeelException.InvalidParameter($"negative input {bad}")
                : new DataBatch([DataColumn.Of("y", x.Select(v => v * 2).ToArray())]);
        }

        public void Dispose()
        {
        }
    }
}
