using Keel.Core.Common;
using Keel.Core.Monitoring.Statistics;
using Keel.Core.Registry.Gates;
using Keel.Models.Validation;
using Keel.Testing;

namespace Keel.Models.Tests.Validation;

public sealed class ModelValidatorTests : IDisposable
{
    private readonly TempDirectory _directory = new("keel-validate");

    public void Dispose() => _directory.Dispose();

    private string PathOf(string name) => Path.Combine(_directory.Path, name);

    [Fact]
    public async Task Run_PermutationImportance_FindsTheFeatureTheModelUses_AndTheNoiseScoresAboutZero()
    {
        using var model = ValidationModels.Train(PathOf("model"), ValidationModels.Rows(400, 1));
        var table = await ValidationTable.LoadAsync([ValidationModels.WriteCsv(PathOf("test.csv"), ValidationModels.Rows(300, 2), _ => "a")], TestContext.Current.CancellationToken);

        var result = ModelValidator.Run(model, null, table, new ValidationOptions { LabelColumn = "Label" }, TestContext.Current.CancellationToken);

        Assert.Equal(TaskKind.Classification, result.Task);
        Assert.Equal("accuracy", result.Importance.Metric);
        Assert.Equal(["Signal", "Noise"], result.Importance.Features.Select(f => f.Feature));
        Assert.InRange(result.Importance.Features[0].Mean, 0.25, 0.6);
        Assert.InRange(result.Importance.Features[1].Mean, -0.03, 0.03);
        Assert.Equal(result.Candidate["accuracy"], result.Importance.Baseline);
        Assert.InRange(result.Candidate["accuracy"], 0.85, 1.0);
        Assert.True(result.Candidate.ContainsKey("roc_auc"), "the Probability output should give roc_auc");
        Assert.Equal(("PredictedLabel", "Probability", "1"), (result.PredictionOutput, result.ScoreOutput, result.PositiveLabel));
    }

    [Fact]
    public async Task Run_CandidateAndChampion_AreScoredOnTheSameRows_SkippingOnesEitherCannotTake()
    {
        var rows = ValidationModels.Rows(200, 3);
        using var good = ValidationModels.Train(PathOf("good"), ValidationModels.Rows(400, 4));
        using var flipped = ValidationModels.Train(PathOf("flipped"), ValidationModels.Rows(400, 4), flipped: true);
        var csv = ValidationModels.WriteCsv(PathOf("test.csv"), rows, _ => "a");
        await File.AppendAllTextAsync(csv, "oops,0.5,true,a\n0.5,0.5,,a\n", TestContext.Current.CancellationToken);
        var table = await ValidationTable.LoadAsync([csv], TestContext.Current.CancellationToken);

        var result = ModelValidator.Run(flipped, good, table, new ValidationOptions { LabelColumn = "Label", Importance = new ImportanceRule(1, null, 1, 0) },
            TestContext.Current.CancellationToken);

        Assert.Equal(200, result.Rows);
        Assert.Equal(2, result.RowsSkipped);
        Assert.Equal(["row 201: column 'Signal': expected float, got 'oops'", "row 202: no label in column 'Label'"], result.FirstSkipReasons);
        Assert.InRange(result.Candidate["accuracy"], 0, 0.15);
        Assert.InRange(result.Champion!["accuracy"], 0.85, 1);
    }

    [Fact]
    public async Task Run_Fairness_ComputesTheMetricPerGroupOfAColumnTheModelDoesNotRead()
    {
        var rows = ValidationModels.Rows(200, 5);
        using var model = ValidationModels.Train(PathOf("model"), ValidationModels.Rows(400, 6));
        // Group "hi" holds the rows with a high signal, so the model predicts positive far more often there.
        var table = await ValidationTable.LoadAsync([ValidationModels.WriteCsv(PathOf("test.csv"), rows, i => rows[i].Signal > 0.5 ? "hi" : "lo")],
            TestContext.Current.CancellationToken);
        var options = new ValidationOptions { LabelColumn = "Label", Fairness = new FairnessRule("Group", GateMetrics.PositiveRate, 0.1, 1) };

        var result = ModelValidator.Run(model, null, table, options, TestContext.Current.CancellationToken);

        Assert.Equal(["hi", "lo"], result.Fairness!.Groups.Select(g => g.Group));
        Assert.Equal(200, result.Fairness.Groups.Sum(g => g.Rows));
        Assert.InRange(result.Fairness.Gap, 0.8, 1.0);
    }

    [Fact]
    public async Task Run_Latency_IsTheTimedBatchPerRow()
    {
        using var model = ValidationModels.Train(PathOf("model"), ValidationModels.Rows(100, 7));
        var table = await ValidationTable.LoadAsync([ValidationModels.WriteCsv(PathOf("test.csv"), ValidationModels.Rows(50, 8), _ => "a")], TestContext.Current.CancellationToken);
        var time = new FrozenTime();

        var result = ModelValidator.Run(model, null, table, new ValidationOptions { LabelColumn = "Label", Time = time }, TestContext.Current.CancellationToken);

        // The fake clock never moves, so the measured time is exactly zero: the latency comes from the clock given.
        Assert.Equal(0, result.MsPerRow);
    }

    [Fact]
    public async Task Run_MissingLabelOrInputColumn_IsRefusedNamingIt()
    {
        using var model = ValidationModels.Train(PathOf("model"), ValidationModels.Rows(100, 9));
        var csv = PathOf("test.csv");
        await File.WriteAllTextAsync(csv, "Signal,Label\n0.1,false\n", TestContext.Current.CancellationToken);
        var table = await ValidationTable.LoadAsync([csv], TestContext.Current.CancellationToken);

        var noLabel = Assert.Throws<KeelException>(() => ModelValidator.Run(model, null, table, new ValidationOptions { LabelColumn = "y" }));
        var noInput = Assert.Throws<KeelException>(() => ModelValidator.Run(model, null, table, new ValidationOptions { LabelColumn = "Label" }));

        Assert.Equal("The data has no column 'y'; it has Signal, Label.", noLabel.Message);
        Assert.Equal("The data lacks the candidate's input column(s) 'Noise'.", noInput.Message);
    }

    [Fact]
    public async Task LoadAsync_StacksFilesWithTheSameColumns_AndRefusesOthers()
    {
        var a = PathOf("a.csv");
        var b = PathOf("b.csv");
        var c = PathOf("c.csv");
        await File.WriteAllTextAsync(a, "x,y\n1,2\n", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(b, "y,x\n3,4\n5,6\n", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(c, "x,z\n1,2\n", TestContext.Current.CancellationToken);

        var table = await ValidationTable.LoadAsync([a, b], TestContext.Current.CancellationToken);
        var error = await Assert.ThrowsAsync<KeelException>(() => ValidationTable.LoadAsync([a, c], TestContext.Current.CancellationToken));

        Assert.Equal(3, table.RowCount);
        Assert.Equal(["1", "4", "6"], table.Text("x"));
        Assert.StartsWith("'c.csv' has columns x, z, unlike the first file's x, y", error.Message, StringComparison.Ordinal);
    }
}

/// <summary>A clock whose timestamp never moves.</summary>
internal sealed class FrozenTime : TimeProvider
{
    public override long GetTimestamp() => 0;
}
