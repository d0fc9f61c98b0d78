using System.Globalization;
using System.Text;
using Keel.Core.Models;
using Keel.Core.Monitoring.PredictionLogs;
using Parquet;
using Parquet.Schema;

namespace Keel.Monitoring.PredictionLogs;

/// <summary>
/// Collects logged rows and writes them as one prediction-log segment (see <see cref="PredictionLogColumns"/>): one
/// Parquet file, one row group. Not thread-safe: a serving host builds segments on its background flusher only.
/// </summary>
public sealed class PredictionSegmentBuilder
{
    // Parquet.Net keeps recycled buffers forever unless told otherwise; a long-lived flusher must stay flat.
    internal static readonly ParquetOptions Options = new()
    {
        MaximumSmallPoolFreeBytes = 4 * 1024 * 1024,
        MaximumLargePoolFreeBytes = 16 * 1024 * 1024,
    };

    private readonly List<string> _requestIds = [];
    private readonly List<int> _rows = [];
    private readonly List<DateTime> _timestamps = [];
    private readonly List<string> _deployments = [];
    private readonly List<string> _models = [];
    private readonly List<string> _versions = [];
    private readonly List<string> _routes = [];
    private readonly List<bool> _shadows = [];
    private readonly List<double> _latencies = [];
    private readonly List<int> _statuses = [];
    private readonly ColumnSet _inputs = new(PredictionLogColumns.InputPrefix);
    private readonly ColumnSet _outputs = new(PredictionLogColumns.OutputPrefix);

    /// <summary>Rows collected so far.</summary>
    public int RowCount => _rows.Count;

    /// <summary>The earliest timestamp collected; null while empty.</summary>
    public DateTimeOffset? First { get; private set; }

    /// <summary>The latest timestamp collected; null while empty.</summary>
    public DateTimeOffset? Last { get; private set; }

    /// <summary>Adds one row per row of the entry's batches (one row without values when it has none).</summary>
    public void Add(PredictionLogEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var rows = entry.RowCount;
        var start = RowCount;
        for (var row = 0; row < rows; row++)
        {
            AddFixed(entry.RequestId, row, entry.Timestamp, entry.Deployment, entry.Model, entry.Version, entry.Route, entry.Shadow,
                entry.LatencyMs, entry.Status);
        }
        _inputs.AddBatch(entry.Inputs, start, rows);
        _outputs.AddBatch(entry.Outputs, start, rows);
    }

    /// <summary>Adds one record.</summary>
    public void Add(PredictionRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var index = RowCount;
        AddFixed(record.RequestId, record.Row, record.Timestamp, record.Deployment, record.Model, record.Version, record.Route, record.Shadow,
            record.LatencyMs, record.Status);
        _inputs.AddCells(record.Inputs, index);
        _outputs.AddCells(record.Outputs, index);
    }

    /// <summary>Writes the rows collected as a Parquet segment to <paramref name="output"/> (left open).</summary>
    /// <exception cref="InvalidOperationException">Nothing was added.</exception>
    public async Task WriteAsync(Stream output, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (RowCount == 0)
        {
            throw new InvalidOperationException("A segment needs at least one row.");
        }

        var rows = RowCount;
        var columns = _inputs.Columns.Concat(_outputs.Columns).ToList();
        foreach (var column in columns)
        {
            column.PadTo(rows);
        }

        var fixedFields = FixedFields();
        var cellFields = columns.Select(CellField).ToList();
        var schema = new ParquetSchema(fixedFields.Concat(cellFields));
        await using var writer = await ParquetWriter.CreateAsync(schema, output, Options, append: false, ct);
        using var group = writer.CreateRowGroup();
        await group.WriteAsync(fixedFields[0], _requestIds, null);
        await group.WriteAsync(fixedFields[1], (ReadOnlyMemory<int>)_rows.ToArray(), null, null, ct);
        await group.WriteAsync(fixedFields[2], (ReadOnlyMemory<DateTime>)_timestamps.ToArray(), null, null, ct);
        await group.WriteAsync(fixedFields[3], _deployments, null);
        await group.WriteAsync(fixedFields[4], _models, null);
        await group.WriteAsync(fixedFields[5], _versions, null);
        await group.WriteAsync(fixedFields[6], _routes, null);
        await group.WriteAsync(fixedFields[7], (ReadOnlyMemory<bool>)_shadows.ToArray(), null, null, ct);
        await group.WriteAsync(fixedFields[8], (ReadOnlyMemory<double>)_latencies.ToArray(), null, null, ct);
        await group.WriteAsync(fixedFields[9], (ReadOnlyMemory<int>)_statuses.ToArray(), null, null, ct);
        for (var i = 0; i < columns.Count; i++)
        {
            await WriteCellsAsync(group, cellFields[i], columns[i], ct);
        }
    }

    /// <summary>Writes the rows to a new byte array.</summary>
    public async Task<byte[]> ToArrayAsync(CancellationToken ct = default)
    {
        using var buffer = new MemoryStream();
        await WriteAsync(buffer, ct);
        return buffer.ToArray();
    }

    // Segments store microseconds; truncating first keeps a segment's name and its rows in agreement.
    internal static DateTimeOffset Truncate(DateTimeOffset time) =>
        new(time.UtcTicks - time.UtcTicks % TimeSpan.TicksPerMicrosecond, TimeSpan.Zero);

    internal static DataField[] FixedFields() =>
    [
        new DataField<string>(PredictionLogColumns.RequestId, nullable: false),
        new DataField<int>(PredictionLogColumns.Row),
        new DateTimeDataField(PredictionLogColumns.Timestamp, DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Micros),
        new DataField<string>(PredictionLogColumns.Deployment, nullable: false),
        new DataField<string>(PredictionLogColumns.Model, nullable: false),
        new DataField<string>(PredictionLogColumns.Version, nullable: false),
        new DataField<string>(PredictionLogColumns.Route, nullable: false),
        new DataField<bool>(PredictionLogColumns.Shadow),
        new DataField<double>(PredictionLogColumns.LatencyMs),
        new DataField<int>(PredictionLogColumns.Status),
    ];

    private static DataField CellField(CellColumn column) => column.Kind switch
    {
        CellKind.Boolean => new DataField<bool?>(column.Name),
        CellKind.Whole => new DataField<long?>(column.Name),
        CellKind.Real => new DataField<double?>(column.Name),
        _ => new DataField<string>(column.Name, nullable: true),
    };

    private static Task WriteCellsAsync(ParquetRowGroupWriter group, DataField field, CellColumn column, CancellationToken ct) => column.Kind switch
    {
        CellKind.Boolean => group.WriteAsync(field, (ReadOnlyMemory<bool?>)column.Booleans(), null, null, ct),
        CellKind.Whole => group.WriteAsync(field, (ReadOnlyMemory<long?>)column.Longs(), null, null, ct),
        CellKind.Real => group.WriteAsync(field, (ReadOnlyMemory<double?>)column.Doubles(), null, null, ct),
        _ => group.WriteAsync(field, column.Strings(), null),
    };

    private void AddFixed(
        string requestId, int row, DateTimeOffset timestamp, string deployment, string model, string version, string route, bool shadow, double latencyMs,
        int status)
    {
        timestamp = Truncate(timestamp);
        _requestIds.Add(requestId);
        _rows.Add(row);
        _timestamps.Add(timestamp.UtcDateTime);
        _deployments.Add(deployment);
        _models.Add(model);
        _versions.Add(version);
        _routes.Add(route);
        _shadows.Add(shadow);
        _latencies.Add(latencyMs);
        _statuses.Add(status);
        First = First is { } first && first <= timestamp ? first : timestamp;
        Last = Last is { } last && last >= timestamp ? last : timestamp;
    }

    // The input or the output columns of a segment, in the order first seen.
    private sealed class ColumnSet(string prefix)
    {
        private readonly Dictionary<string, CellColumn> _byName = new(StringComparer.Ordinal);

        public List<CellColumn> Columns { get; } = [];

        public void AddCells(IReadOnlyDictionary<string, object?> cells, int index)
        {
            foreach (var (name, value) in cells)
            {
                var column = Column(name, index);
                column.AddValue(value);
            }
        }

        public void AddBatch(DataBatch? batch, int start, int rows)
        {
            if (batch is null)
            {
                return;
            }

            foreach (var source in batch.Columns)
            {
                var column = Column(source.Name, start);
                AddColumn(column, source, Math.Min(rows, source.RowCount));
            }
        }

        // A column first seen now has nulls for the rows before; one seen before is brought up to this row.
        private CellColumn Column(string name, int index)
        {
            if (!_byName.TryGetValue(name, out var column))
            {
                column = new CellColumn(prefix + name);
                _byName.Add(name, column);
                Columns.Add(column);
            }
            column.PadTo(index);
            return column;
        }

        private static void AddColumn(CellColumn column, DataColumn source, int rows)
        {
            if (source.RowLength != 1)
            {
                for (var row = 0; row < rows; row++)
                {
                    column.Add(TensorText(source, row));
                }
                return;
            }

            switch (source.Values)
            {
                case float[] floats:
                    for (var i = 0; i < rows; i++)
                    {
                        column.Add((double)floats[i]);
                    }
                    break;
                case double[] doubles:
                    for (var i = 0; i < rows; i++)
                    {
                        column.Add(doubles[i]);
                    }
                    break;
                case long[] longs:
                    for (var i = 0; i < rows; i++)
                    {
                        column.Add(longs[i]);
                    }
                    break;
                case int[] ints:
                    for (var i = 0; i < rows; i++)
                    {
                        column.Add(ints[i]);
                    }
                    break;
                case bool[] bools:
                    for (var i = 0; i < rows; i++)
                    {
                        column.Add(bools[i]);
                    }
                    break;
                case string?[] strings:
                    for (var i = 0; i < rows; i++)
                    {
                        column.Add(strings[i]);
                    }
                    break;
            }
        }

        // A tensor row is logged as its flat values in JSON array text; drift statistics treat it as a category.
        private static string TensorText(DataColumn source, int row)
        {
            var text = new StringBuilder("[");
            var offset = row * source.RowLength;
            for (var i = 0; i < source.RowLength; i++)
            {
                if (i > 0)
                {
                    text.Append(',');
                }
                var value = source.Values.GetValue(offset + i);
                text.Append(value switch
                {
                    null => "null",
                    string s => "\"" + System.Text.Json.JsonEncodedText.Encode(s) + "\"",
                    bool b => b ? "true" : "false",
                    float f => f.ToString("R", CultureInfo.InvariantCulture),
                    double d => d.ToString("R", CultureInfo.InvariantCulture),
                    _ => Convert.ToString(value, CultureInfo.InvariantCulture),
                });
            }
            return text.Append(']').ToString();
        }
    }
}
