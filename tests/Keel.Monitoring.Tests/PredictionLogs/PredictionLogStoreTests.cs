using Keel.Core.Artifacts;
using Keel.Core.Common;
using Keel.Core.Monitoring.PredictionLogs;
using Keel.Core.Monitoring.Statistics;
using Keel.Monitoring.PredictionLogs;
using Keel.Storage.FileSystem;
using Keel.Testing;
using static Keel.Monitoring.Tests.PredictionLogs.PredictionSegmentCodecTests;

namespace Keel.Monitoring.Tests.PredictionLogs;

public sealed class PredictionLogStoreTests : IDisposable
{
    private static readonly DateTimeOffset Midnight = new(2025, 6, 2, 0, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _root = new("keel-prediction-logs");
    private readonly LocalArtifactStore _blobs;
    private readonly PredictionLogStore _store;

    public PredictionLogStoreTests()
    {
        _blobs = new LocalArtifactStore(_root.Path);
        _store = new PredictionLogStore(_blobs);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ReadWindow_AcrossMidnightAndSegments_ReturnsRowsInRangeOldestFirst()
    {
        // One segment spans midnight (stored under the first day), one lies in the next day, one far outside.
        await WriteAsync("churn", "a1", Row("late-1", Midnight.AddSeconds(-5)), Row("early-2", Midnight.AddSeconds(3)), Row("late-0", Midnight.AddSeconds(-10)));
        await WriteAsync("churn", "b1", Row("next-day", Midnight.AddHours(2)), Row("same-second", Midnight.AddSeconds(3)));
        await WriteAsync("churn", "c1", Row("far", Midnight.AddDays(4)));

        var window = await _store.ReadWindowAsync("churn", Midnight.AddSeconds(-5), Midnight.AddHours(2), Ct);

        Assert.Equal(["late-1", "early-2", "same-second"], window.Records.Select(r => r.RequestId));
        var days = await _blobs.ListAsync(ArtifactPath.Parse("monitoring/churn/predictions", "p"), Ct);
        Assert.Equal(["2025-06-02", "2025-06-06"], days.Select(d => d.Path.Name).Where(n => n != "2025-06-01"));
        Assert.Contains(days, d => d.Path.Name == "2025-06-01");
    }

    [Fact]
    public async Task ReadWindow_SegmentsOutsideTheRange_AreNotOpened()
    {
        await WriteAsync("churn", "a1", Row("in", Midnight.AddMinutes(1)));
        // Unreadable files whose names place them outside the window: opening either would throw.
        var outside = PredictionSegmentName.Create(Midnight.AddHours(5), Midnight.AddHours(6), "bad");
        await PutRawAsync($"monitoring/churn/predictions/2025-06-02/{outside}.parquet");
        var otherDay = PredictionSegmentName.Create(Midnight.AddDays(-9), Midnight.AddDays(-9), "bad");
        await PutRawAsync($"monitoring/churn/predictions/2025-05-24/{otherDay}.parquet");

        var window = await _store.ReadWindowAsync("churn", Midnight, Midnight.AddHours(1), Ct);

        Assert.Equal(["in"], window.Records.Select(r => r.RequestId));
        await Assert.ThrowsAsync<KeelException>(() => _store.ReadWindowAsync("churn", Midnight, Midnight.AddHours(7), Ct));
    }

    [Fact]
    public async Task ReadWindow_EmptyOrReversedOrUnknown_IsEmpty()
    {
        await WriteAsync("churn", "a1", Row("x", Midnight));

        Assert.Empty((await _store.ReadWindowAsync("churn", Midnight, Midnight, Ct)).Records);
        Assert.Empty((await _store.ReadWindowAsync("churn", Midnight.AddHours(1), Midnight, Ct)).Records);
        Assert.Empty((await _store.ReadWindowAsync("nobody", Midnight.AddDays(-1), Midnight.AddDays(1), Ct)).Records);
    }

    [Fact]
    public async Task Labels_JoinByRequestAndRow_LatestWins_ShadowsExcluded()
    {
        await WriteAsync("churn", "a1",
            Row("r1", Midnight, row: 0), Row("r1", Midnight, row: 1), Row("r2", Midnight.AddSeconds(1)),
            Row("r1", Midnight, row: 0, shadow: true));
        await _store.AppendLabelsAsync("churn", [new GroundTruth("r1", 0, 0L, Midnight.AddHours(1)), new GroundTruth("r2", 0, "cat", Midnight.AddHours(1))], Ct);
        await _store.AppendLabelsAsync("churn", [new GroundTruth("r1", 0, 1L, Midnight.AddHours(2)), new GroundTruth("zz", 0, true, Midnight.AddHours(2))], Ct);

        var window = await _store.ReadWindowAsync("churn", Midnight, Midnight.AddMinutes(1), Ct);
        var labelled = window.Labelled();

        Assert.Equal([("r1", 0, (object)1L), ("r2", 0, "cat")], labelled.Select(p => (p.Record.RequestId, p.Record.Row, p.Label.Label!)));
        Assert.All(labelled, p => Assert.False(p.Record.Shadow));
    }

    [Fact]
    public async Task Input_NumericOrCategoricalByColumnType_ShadowRowsLeftOut()
    {
        await WriteAsync("churn", "a1",
            Row("a", Midnight, inputs: Cells(("age", 30L), ("vip", true), ("city", "Oslo"))),
            Row("b", Midnight.AddSeconds(1), inputs: Cells(("age", null), ("vip", false), ("city", null))),
            Row("c", Midnight.AddSeconds(2), inputs: Cells(("age", 99L), ("vip", true), ("city", "Bergen")), shadow: true));
        await WriteAsync("churn", "b1", Row("d", Midnight.AddSeconds(3), inputs: Cells(("age", 40.5), ("vip", true), ("city", 7L))));

        var window = await _store.ReadWindowAsync("churn", Midnight, Midnight.AddMinutes(1), Ct);

        var age = window.Input("age");
        Assert.Equal(FeatureKind.Numeric, age.Kind);
        Assert.Equal([30, double.NaN, 40.5], age.Numbers!);
        Assert.Equal([1.0, 0.0, 1.0], window.Input("vip").Numbers!);
        var city = window.Input("city");
        Assert.Equal(FeatureKind.Categorical, city.Kind);
        Assert.Equal(["Oslo", null, "7"], city.Categories!);
        Assert.Equal(["age", "vip", "city"], window.InputNames);
        var missing = Assert.Throws<KeelException>(() => window.Input("nope"));
        Assert.Equal(ErrorCode.ResourceDoesNotExist, missing.Code);
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("tab\tname")]
    public async Task BadDeploymentNames_AreRefusedNamingTheField(string name)
    {
        var error = await Assert.ThrowsAsync<KeelException>(() => WriteAsync(name, "a1", Row("x", Midnight)));
        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
        Assert.Contains("'name'", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<KeelException>(() => _store.ReadWindowAsync(name, Midnight, Midnight.AddDays(1), Ct));
        await Assert.ThrowsAsync<KeelException>(() => _store.AppendLabelsAsync(name, [new GroundTruth("x", 0, 1L, Midnight)], Ct));
    }

    [Theory]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("a?b#c%41 d")]
    [InlineData("ünïcode 模型")]
    public async Task OddButValidDeploymentNames_StayInsideTheirOwnPrefix(string name)
    {
        await WriteAsync(name, "a1", Row("x", Midnight, deployment: name));

        var window = await _store.ReadWindowAsync(name, Midnight, Midnight.AddMinutes(1), Ct);

        Assert.Equal(name, Assert.Single(window.Records).Deployment);
        var files = Directory.GetFiles(_root.Path, "*.parquet", SearchOption.AllDirectories);
        var file = Assert.Single(files);
        var relative = Path.GetRelativePath(_root.Path, file).Split(Path.DirectorySeparatorChar);
        Assert.Equal(5, relative.Length);
        Assert.Equal(("monitoring", "predictions"), (relative[0], relative[2]));
        Assert.DoesNotContain(relative[1], new[] { ".", ".." });
    }

    [Theory]
    [InlineData("nonsense")]
    [InlineData("20250602T0000000000000Z-20250601T0000000000000Z-a1")]
    [InlineData("20250602T0000000000000Z-20250604T0000000000000Z-a1")]
    [InlineData("20250602T0000000000000Z-20250602T0000000000000Z-UPPER")]
    [InlineData("20250602T0000000000000Z-20250602T0000000000000Z-../x")]
    public async Task BadSegmentNames_AreRefusedNamingTheSegment(string segment)
    {
        var bytes = await SegmentAsync(Row("x", Midnight));
        var error = await Assert.ThrowsAsync<KeelException>(() => _store.WriteSegmentAsync("churn", segment, new MemoryStream(bytes), Ct));
        Assert.Contains("'segment'", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_root.Path, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Segment_RowsOutsideItsNameOrOfAnotherDeployment_AreRefused()
    {
        var bytes = await SegmentAsync(Row("x", Midnight.AddMinutes(5)));
        var early = PredictionSegmentName.Create(Midnight, Midnight.AddMinutes(1), "a").ToString();
        var outside = await Assert.ThrowsAsync<KeelException>(() => _store.WriteSegmentAsync("churn", early, new MemoryStream(bytes), Ct));
        Assert.Contains("outside the segment name's range", outside.Message, StringComparison.Ordinal);

        var right = PredictionSegmentName.Create(Midnight, Midnight.AddMinutes(5), "a").ToString();
        var other = await Assert.ThrowsAsync<KeelException>(() => _store.WriteSegmentAsync("fraud", right, new MemoryStream(bytes), Ct));
        Assert.Contains("belongs to deployment 'churn'", other.Message, StringComparison.Ordinal);

        var notParquet = await Assert.ThrowsAsync<KeelException>(() => _store.WriteSegmentAsync("churn", right, new MemoryStream([1, 2, 3]), Ct));
        Assert.Contains("'body'", notParquet.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_root.Path, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Labels_BadInput_IsRefusedNamingTheFieldAndNothingIsStored()
    {
        async Task<string> RefusedAsync(params GroundTruth[] labels) =>
            (await Assert.ThrowsAsync<KeelException>(() => _store.AppendLabelsAsync("churn", labels, Ct))).Message;

        Assert.Contains("'labels'", await RefusedAsync(), StringComparison.Ordinal);
        Assert.Contains("'labels[1].request_id'", await RefusedAsync(new GroundTruth("ok", 0, 1L, Midnight), new GroundTruth("", 0, 1L, Midnight)), StringComparison.Ordinal);
        Assert.Contains("'labels[0].request_id'", await RefusedAsync(new GroundTruth(new string('x', 129), 0, 1L, Midnight)), StringComparison.Ordinal);
        Assert.Contains("'labels[0].row'", await RefusedAsync(new GroundTruth("ok", -1, 1L, Midnight)), StringComparison.Ordinal);
        Assert.Contains("'labels[0].label'", await RefusedAsync(new GroundTruth("ok", 0, double.NaN, Midnight)), StringComparison.Ordinal);
        Assert.Contains("'labels[0].label'", await RefusedAsync(new GroundTruth("ok", 0, null, Midnight)), StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_root.Path, "*", SearchOption.AllDirectories));
    }

    public void Dispose() => _root.Dispose();

    private static PredictionRecord Row(
        string requestId, DateTimeOffset at, int row = 0, bool shadow = false, Dictionary<string, object?>? inputs = null, string deployment = "churn") =>
        Record(row, inputs ?? Cells(("x", 1.0)), requestId, at) with { Shadow = shadow, Deployment = deployment, Route = shadow ? "shadow" : "default" };

    private static async Task<byte[]> SegmentAsync(params PredictionRecord[] rows)
    {
        var builder = new PredictionSegmentBuilder();
        foreach (var row in rows)
        {
            builder.Add(row);
        }
        return await builder.ToArrayAsync(Ct);
    }

    private async Task WriteAsync(string deployment, string suffix, params PredictionRecord[] rows)
    {
        var bytes = await SegmentAsync(rows);
        var name = PredictionSegmentName.Create(rows.Min(r => r.Timestamp), rows.Max(r => r.Timestamp), suffix);
        await _store.WriteSegmentAsync(deployment, name.ToString(), new MemoryStream(bytes), Ct);
    }

    private Task PutRawAsync(string path) => _blobs.PutAsync(ArtifactPath.Parse(path, "path"), new MemoryStream("garbage"u8.ToArray()), Ct);
}
