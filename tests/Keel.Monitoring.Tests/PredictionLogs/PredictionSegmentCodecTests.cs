using Keel.Core.Common;
using Keel.Core.Models;
using Keel.Core.Monitoring.PredictionLogs;
using Keel.Monitoring.PredictionLogs;
using Parquet;
using Parquet.Schema;

namespace Keel.Monitoring.Tests.PredictionLogs;

public sealed class PredictionSegmentCodecTests
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 4, 5, 6, 7, TimeSpan.Zero);

    [Fact]
    public async Task RoundTrip_Records_KeepsEveryFixedFieldAndCell()
    {
        var builder = new PredictionSegmentBuilder();
        var record = new PredictionRecord("req-1", 2, T0.AddTicks(12_345_670), "churn", "churn-model", "3", "champion", Shadow: false, 1.25, 200,
            Cells(("age", 41.5), ("city", "Oslo"), ("vip", true), ("visits", 7L)), Cells(("prediction", 1L), ("probability", 0.875)));
        builder.Add(record);

        var segment = await ReadBackAsync(builder);

        var read = Assert.Single(segment.Records);
        Assert.Equal(record.RequestId, read.RequestId);
        Assert.Equal(record.Row, read.Row);
        Assert.Equal(record.Timestamp, read.Timestamp);
        Assert.Equal(TimeSpan.Zero, read.Timestamp.Offset);
        Assert.Equal(("churn", "churn-model", "3", "champion", false, 1.25, 200),
            (read.Deployment, read.Model, read.Version, read.Route, read.Shadow, read.LatencyMs, read.Status));
        Assert.Equal(41.5, read.Inputs["age"]);
        Assert.Equal("Oslo", read.Inputs["city"]);
        Assert.Equal(true, read.Inputs["vip"]);
        Assert.Equal(7L, read.Inputs["visits"]);
        Assert.Equal(1L, read.Outputs["prediction"]);
        Assert.Equal(0.875, read.Outputs["probability"]);
        Assert.Equal(["age", "city", "vip", "visits"], segment.Inputs.Select(c => c.Key));
        Assert.Equal([CellKind.Real, CellKind.Text, CellKind.Boolean, CellKind.Whole], segment.Inputs.Select(c => c.Value));
    }

    [Fact]
    public async Task RoundTrip_MixedTypesAndNulls_WidenToOneTypePerColumn()
    {
        var builder = new PredictionSegmentBuilder();
        builder.Add(Record(0, Cells(("n", 1L), ("flag", true), ("mixed", 3L), ("late", null))));
        builder.Add(Record(1, Cells(("n", 2.5), ("flag", null), ("mixed", "x"))));
        builder.Add(Record(2, Cells(("n", null), ("flag", false), ("mixed", false), ("late", 4L))));

        var segment = await ReadBackAsync(builder);

        Assert.Equal([CellKind.Real, CellKind.Boolean, CellKind.Text, CellKind.Whole], segment.Inputs.Select(c => c.Value));
        var rows = segment.Records;
        Assert.Equal([1.0, 2.5, null], rows.Select(r => r.Inputs["n"]));
        Assert.Equal([true, null, false], rows.Select(r => r.Inputs["flag"]));
        Assert.Equal(["3", "x", "false"], rows.Select(r => r.Inputs["mixed"]));
        Assert.Equal([null, null, 4L], rows.Select(r => r.Inputs["late"]));
    }

    [Fact]
    public async Task RoundTrip_AllNullColumn_ReadsAsUndecided()
    {
        var builder = new PredictionSegmentBuilder();
        builder.Add(Record(0, Cells(("empty", null), ("x", 1.0))));

        var segment = await ReadBackAsync(builder);

        Assert.Equal(CellKind.None, segment.Inputs.Single(c => c.Key == "empty").Value);
        Assert.Null(segment.Records[0].Inputs["empty"]);
    }

    [Fact]
    public async Task RoundTrip_Entries_ExpandBatchesIntoRowsAndFailedRequestsIntoOneEmptyRow()
    {
        var builder = new PredictionSegmentBuilder();
        builder.Add(new PredictionLogEntry
        {
            RequestId = "a",
            Timestamp = T0,
            Deployment = "d",
            Model = "m",
            Version = "1",
            Route = "default",
            LatencyMs = 3,
            Status = 200,
            Inputs = new DataBatch([DataColumn.Of("x", new[] { 1.5f, 2.5f }), DataColumn.Of("s", new[] { "p", "q" }), DataColumn.Of("i", new[] { 4, 5 })]),
            Outputs = new DataBatch([DataColumn.Of("score", new[] { 0.25, 0.75 }), DataColumn.Of("vec", new[] { 1L, 2L, 3L, 4L }, [2])]),
        });
        builder.Add(new PredictionLogEntry { RequestId = "b", Timestamp = T0.AddSeconds(1), Deployment = "d", Model = "m", Version = "1", Status = 400 });

        var segment = await ReadBackAsync(builder);

        Assert.Equal(3, segment.Records.Count);
        Assert.Equal([("a", 0), ("a", 1), ("b", 0)], segment.Records.Select(r => (r.RequestId, r.Row)));
        Assert.Equal([1.5, 2.5, null], segment.Records.Select(r => r.Inputs["x"]));
        Assert.Equal(["p", "q", null], segment.Records.Select(r => r.Inputs["s"]));
        Assert.Equal([4L, 5L, null], segment.Records.Select(r => r.Inputs["i"]));
        Assert.Equal([0.25, 0.75, null], segment.Records.Select(r => r.Outputs["score"]));
        Assert.Equal(["[1,2]", "[3,4]", null], segment.Records.Select(r => r.Outputs["vec"]));
        Assert.Equal(400, segment.Records[2].Status);
        Assert.Equal((T0, T0.AddSeconds(1)), (builder.First, builder.Last));
    }

    [Fact]
    public async Task Read_NotParquet_IsRejectedNamingTheBody()
    {
        var error = await Assert.ThrowsAsync<KeelException>(() => PredictionSegmentReader.ReadAsync(new MemoryStream("not parquet at all"u8.ToArray())));
        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
        Assert.Contains("'body'", error.Message, StringComparison.Ordinal);
        Assert.Contains("not a readable Parquet file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_ParquetWithoutTheFixedColumns_IsRejectedNamingTheMissingColumn()
    {
        var bytes = await ParquetAsync([new DataField<int>("something")], async (group, fields) =>
            await group.WriteAsync(fields[0], (ReadOnlyMemory<int>)new[] { 1 }, null, null, default));

        var error = await Assert.ThrowsAsync<KeelException>(() => PredictionSegmentReader.ReadAsync(new MemoryStream(bytes)));
        Assert.Contains("column 'request_id' is missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_ExtraColumnWithoutPrefix_IsRejectedNamingIt()
    {
        var bytes = await FixedColumnsAndAsync(new DataField<double>("x"), (group, field) =>
            group.WriteAsync(field, (ReadOnlyMemory<double>)new[] { 1.0 }, null, null, default));

        var error = await Assert.ThrowsAsync<KeelException>(() => PredictionSegmentReader.ReadAsync(new MemoryStream(bytes)));
        Assert.Contains("column 'x' is neither a fixed column", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_CellOfUnsupportedType_IsRejectedNamingIt()
    {
        var bytes = await FixedColumnsAndAsync(new DataField<decimal>("in.price"), (group, field) =>
            group.WriteAsync(field, (ReadOnlyMemory<decimal>)new[] { 1.5m }, null, null, default));

        var error = await Assert.ThrowsAsync<KeelException>(() => PredictionSegmentReader.ReadAsync(new MemoryStream(bytes)));
        Assert.Contains("column 'in.price' holds Decimal", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_WellFormedFileFromAnotherWriter_IsAccepted()
    {
        var bytes = await FixedColumnsAndAsync(new DataField<float>("in.x"), (group, field) =>
            group.WriteAsync(field, (ReadOnlyMemory<float>)new[] { 2.5f }, null, null, default));

        var segment = await PredictionSegmentReader.ReadAsync(new MemoryStream(bytes));

        Assert.Equal(2.5, segment.Records[0].Inputs["x"]);
        Assert.Equal("req", segment.Records[0].RequestId);
    }

    [Fact]
    public async Task Write_Empty_Throws()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => new PredictionSegmentBuilder().ToArrayAsync());
    }

    internal static PredictionRecord Record(int row, Dictionary<string, object?> inputs, string requestId = "r", DateTimeOffset? at = null) =>
        new(requestId, row, at ?? T0, "d", "m", "1", "default", false, 1, 200, inputs, new Dictionary<string, object?>());

    internal static Dictionary<string, object?> Cells(params (string Name, object? Value)[] cells) =>
        cells.ToDictionary(c => c.Name, c => c.Value, StringComparer.Ordinal);

    private static async Task<PredictionSegment> ReadBackAsync(PredictionSegmentBuilder builder) =>
        await PredictionSegmentReader.ReadAsync(new MemoryStream(await builder.ToArrayAsync()));

    // One row of every fixed column, as the codec names and types them, then one extra column.
    private static Task<byte[]> FixedColumnsAndAsync(DataField extra, Func<ParquetRowGroupWriter, DataField, Task> writeExtra)
    {
        var fixedFields = PredictionSegmentBuilder.FixedFields();
        return ParquetAsync([.. fixedFields, extra], async (group, fields) =>
        {
            await group.WriteAsync(fields[0], ["req"], null);
            await group.WriteAsync(fields[1], (ReadOnlyMemory<int>)new[] { 0 }, null, null, default);
            await group.WriteAsync(fields[2], (ReadOnlyMemory<DateTime>)new[] { T0.UtcDateTime }, null, null, default);
            foreach (var i in new[] { 3, 4, 5, 6 })
            {
                await group.WriteAsync(fields[i], ["v"], null);
            }
            await group.WriteAsync(fields[7], (ReadOnlyMemory<bool>)new[] { false }, null, null, default);
            await group.WriteAsync(fields[8], (ReadOnlyMemory<double>)new[] { 1.0 }, null, null, default);
            await group.WriteAsync(fields[9], (ReadOnlyMemory<int>)new[] { 200 }, null, null, default);
            await writeExtra(group, fields[^1]);
        });
    }

    private static async Task<byte[]> ParquetAsync(DataField[] fields, Func<ParquetRowGroupWriter, DataField[], Task> write)
    {
        using var buffer = new MemoryStream();
        await using (var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), buffer))
        {
            using var group = writer.CreateRowGroup();
            await write(group, fields);
        }
        return buffer.ToArray();
    }
}
