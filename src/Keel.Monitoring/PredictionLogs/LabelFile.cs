using Keel.Core.Monitoring.PredictionLogs;
using Parquet;
using Parquet.Schema;

namespace Keel.Monitoring.PredictionLogs;

// One batch of ground truth as Parquet: request_id (string), row (int32), received_at (UTC timestamp), and the label in
// whichever one of label_long, label_double, label_bool and label_text fits it, so a batch mixing types keeps each
// label's own type.
internal static class LabelFile
{
    private const string RequestId = "request_id";
    private const string Row = "row";
    private const string ReceivedAt = "received_at";

    private static readonly DataField[] Fields =
    [
        new DataField<string>(RequestId, nullable: false),
        new DataField<int>(Row),
        new DateTimeDataField(ReceivedAt, DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Micros),
        new DataField<long?>("label_long"),
        new DataField<double?>("label_double"),
        new DataField<bool?>("label_bool"),
        new DataField<string>("label_text", nullable: true),
    ];

    public static async Task<byte[]> WriteAsync(IReadOnlyList<GroundTruth> labels, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await using (var writer = await ParquetWriter.CreateAsync(new ParquetSchema(Fields), buffer, PredictionSegmentBuilder.Options, append: false, ct))
        {
            using var group = writer.CreateRowGroup();
            await group.WriteAsync(Fields[0], [.. labels.Select(l => l.RequestId)], null);
            await group.WriteAsync(Fields[1], (ReadOnlyMemory<int>)labels.Select(l => l.Row).ToArray(), null, null, ct);
            await group.WriteAsync(Fields[2], (ReadOnlyMemory<DateTime>)labels.Select(l => l.ReceivedAt.UtcDateTime).ToArray(), null, null, ct);
            await group.WriteAsync(Fields[3], (ReadOnlyMemory<long?>)labels.Select(l => l.Label switch { long v => v, int v => v, _ => (long?)null }).ToArray(),
                null, null, ct);
            await group.WriteAsync(Fields[4], (ReadOnlyMemory<double?>)labels.Select(l => l.Label switch { double v => v, float v => v, _ => (double?)null }).ToArray(),
                null, null, ct);
            await group.WriteAsync(Fields[5], (ReadOnlyMemory<bool?>)labels.Select(l => l.Label as bool?).ToArray(), null, null, ct);
            await group.WriteAsync(Fields[6], [.. labels.Select(l => l.Label as string)], null);
        }
        return buffer.ToArray();
    }

    public static async Task<IReadOnlyList<GroundTruth>> ReadAsync(Stream content, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, ct);
        buffer.Position = 0;
        await using var reader = await ParquetReader.CreateAsync(buffer, PredictionSegmentBuilder.Options, leaveStreamOpen: true, ct);
        var fields = reader.Schema.DataFields.ToDictionary(f => f.Name, StringComparer.Ordinal);
        var labels = new List<GroundTruth>();
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var rows = checked((int)group.RowCount);
            var ids = new string?[rows];
            await group.ReadAsync(fields[RequestId], ids.AsMemory()!, null, ct);
            var rowNumbers = new int[rows];
            await group.ReadAsync(fields[Row], rowNumbers.AsMemory(), null, ct);
            var received = new DateTime[rows];
            await group.ReadAsync(fields[ReceivedAt], received.AsMemory(), null, ct);
            var longs = new long?[rows];
            await group.ReadAsync(fields[Fields[3].Name], longs.AsMemory(), null, ct);
            var doubles = new double?[rows];
            await group.ReadAsync(fields[Fields[4].Name], doubles.AsMemory(), null, ct);
            var bools = new bool?[rows];
            await group.ReadAsync(fields[Fields[5].Name], bools.AsMemory(), null, ct);
            var texts = new string?[rows];
            await group.ReadAsync(fields[Fields[6].Name], texts.AsMemory()!, null, ct);
            for (var i = 0; i < rows; i++)
            {
                object? label = longs[i] is { } l ? l : doubles[i] is { } d ? d : bools[i] is { } b ? b : texts[i];
                labels.Add(new GroundTruth(ids[i] ?? "", rowNumbers[i], label, new DateTimeOffset(DateTime.SpecifyKind(received[i], DateTimeKind.Utc))));
            }
        }
        return labels;
    }
}
