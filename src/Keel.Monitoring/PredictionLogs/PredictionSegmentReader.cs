using Keel.Core.Common;
using Keel.Core.Monitoring.PredictionLogs;
using Parquet;
using Parquet.Schema;

namespace Keel.Monitoring.PredictionLogs;

/// <summary>A segment read back: its records and the type of each input and output column (names without prefix).</summary>
/// <param name="Records">The rows, in file order.</param>
/// <param name="Inputs">Input columns and their types, in file order.</param>
/// <param name="Outputs">Output columns and their types, in file order.</param>
public sealed record PredictionSegment(
    IReadOnlyList<PredictionRecord> Records, IReadOnlyList<KeyValuePair<string, CellKind>> Inputs, IReadOnlyList<KeyValuePair<string, CellKind>> Outputs);

/// <summary>What <see cref="PredictionSegmentReader.SummarizeAsync(Stream, CancellationToken)"/> found in a valid segment.</summary>
/// <param name="Rows">How many rows it holds.</param>
/// <param name="First">Its earliest timestamp.</param>
/// <param name="Last">Its latest timestamp.</param>
/// <param name="Deployments">Every deployment its rows name.</param>
public sealed record SegmentSummary(int Rows, DateTimeOffset First, DateTimeOffset Last, IReadOnlySet<string> Deployments);

/// <summary>
/// Reads and checks prediction-log segments. Anything that is not one (not Parquet, a fixed column missing or of
/// another type, an extra column without the <c>in.</c>/<c>out.</c> prefix, a cell type other than double, long, bool
/// or string, no rows, a null or empty request id, a negative row) throws <see cref="KeelException"/>
/// INVALID_PARAMETER_VALUE naming <c>body</c> and the rule.
/// </summary>
public static class PredictionSegmentReader
{
    private const string Rules =
        "a segment is a Parquet file with columns request_id (string), row (int32), timestamp (UTC timestamp), deployment, model, version, route " +
        "(strings), shadow (bool), latency_ms (double), status (int32), then in.<feature> and out.<name> columns of double, int64, bool or string";

    /// <summary>Reads a whole segment (a stream that cannot seek is buffered first).</summary>
    public static Task<PredictionSegment> ReadAsync(Stream parquet, CancellationToken ct = default) =>
        OpenAsync(parquet, (reader, token) => ReadAsync(reader, token), ct);

    /// <summary>
    /// Checks a segment as <see cref="ReadAsync(Stream, CancellationToken)"/> does, reading only the fixed columns (the
    /// cells' types are checked from the schema): the first and last timestamps and every deployment named, for a store
    /// to check against the segment's name. Much cheaper than reading the records.
    /// </summary>
    public static Task<SegmentSummary> SummarizeAsync(Stream parquet, CancellationToken ct = default) =>
        OpenAsync(parquet, SummarizeAsync, ct);

    private static async Task<T> OpenAsync<T>(Stream parquet, Func<ParquetReader, CancellationToken, Task<T>> read, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(parquet);
        var seekable = parquet;
        if (!parquet.CanSeek)
        {
            seekable = new MemoryStream();
            await parquet.CopyToAsync(seekable, ct);
            seekable.Position = 0;
        }

        try
        {
            ParquetReader reader;
            try
            {
                reader = await ParquetReader.CreateAsync(seekable, PredictionSegmentBuilder.Options, leaveStreamOpen: true, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw Invalid($"it is not a readable Parquet file ({e.Message})");
            }

            await using (reader)
            {
                return await read(reader, ct);
            }
        }
        finally
        {
            if (!ReferenceEquals(seekable, parquet))
            {
                await seekable.DisposeAsync();
            }
        }
    }

    private static async Task<SegmentSummary> SummarizeAsync(ParquetReader reader, CancellationToken ct)
    {
        var (dataFields, _, _) = CheckSchema(reader);
        DateTimeOffset? first = null;
        DateTimeOffset? last = null;
        var deployments = new HashSet<string>(StringComparer.Ordinal);
        var seen = 0;
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var rows = checked((int)group.RowCount);
            if (rows == 0)
            {
                continue;
            }

            var requestIds = await StringsAsync(group, dataFields[PredictionLogColumns.RequestId], rows, ct);
            var rowNumbers = await ValuesAsync<int>(group, dataFields[PredictionLogColumns.Row], rows, ct);
            var timestamps = await ValuesAsync<DateTime>(group, dataFields[PredictionLogColumns.Timestamp], rows, ct);
            var names = await StringsAsync(group, dataFields[PredictionLogColumns.Deployment], rows, ct);
            for (var i = 0; i < rows; i++, seen++)
            {
                var timestamp = CheckRow(requestIds[i], rowNumbers[i], timestamps[i], seen).Timestamp;
                first = first is { } f && f <= timestamp ? f : timestamp;
                last = last is { } l && l >= timestamp ? l : timestamp;
                deployments.Add(names[i] ?? "");
            }
        }

        return seen == 0 ? throw Invalid("it has no rows") : new SegmentSummary(seen, first!.Value, last!.Value, deployments);
    }

    private static (int Row, DateTimeOffset Timestamp) CheckRow(string? requestId, int? row, DateTime? timestamp, int index)
    {
        if (string.IsNullOrEmpty(requestId) || requestId.Length > PredictionLogColumns.MaxRequestIdLength)
        {
            throw Invalid($"row {index} has an empty request_id or one longer than {PredictionLogColumns.MaxRequestIdLength} characters");
        }
        if (row is not { } number || number < 0)
        {
            throw Invalid($"row {index} has a null or negative 'row'");
        }
        if (timestamp is not { } time)
        {
            throw Invalid($"row {index} has a null timestamp");
        }
        return (number, new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)));
    }

    private static (Dictionary<string, DataField> Fields, List<(DataField Field, string Name, CellKind Kind)> Inputs,
        List<(DataField Field, string Name, CellKind Kind)> Outputs) CheckSchema(ParquetReader reader)
    {
        var fields = reader.Schema.Fields.ToList();
        var dataFields = fields.OfType<DataField>().Where(f => !f.IsArray).ToDictionary(f => f.Name, StringComparer.Ordinal);
        if (dataFields.Count != fields.Count)
        {
            throw Invalid("it has nested or repeated columns");
        }

        var expected = PredictionSegmentBuilder.FixedFields();
        foreach (var field in expected)
        {
            if (!dataFields.TryGetValue(field.Name, out var found))
            {
                throw Invalid($"column '{field.Name}' is missing");
            }
            if (!SameType(found.ClrType, field.ClrType))
            {
                throw Invalid($"column '{field.Name}' holds {found.ClrType.Name}, not {field.ClrType.Name}");
            }
        }

        var inputs = new List<(DataField Field, string Name, CellKind Kind)>();
        var outputs = new List<(DataField Field, string Name, CellKind Kind)>();
        foreach (var field in dataFields.Values.Where(f => !PredictionLogColumns.Fixed.Contains(f.Name)))
        {
            var kind = KindOf(field.ClrType) ?? throw Invalid($"column '{field.Name}' holds {field.ClrType.Name}; cells are double, int64, bool or string");
            if (field.Name.StartsWith(PredictionLogColumns.InputPrefix, StringComparison.Ordinal) && field.Name.Length > PredictionLogColumns.InputPrefix.Length)
            {
                inputs.Add((field, field.Name[PredictionLogColumns.InputPrefix.Length..], kind));
            }
            else if (field.Name.StartsWith(PredictionLogColumns.OutputPrefix, StringComparison.Ordinal) && field.Name.Length > PredictionLogColumns.OutputPrefix.Length)
            {
                outputs.Add((field, field.Name[PredictionLogColumns.OutputPrefix.Length..], kind));
            }
            else
            {
                throw Invalid($"column '{field.Name}' is neither a fixed column nor named in.<feature> or out.<name>");
            }
        }
        return (dataFields, inputs, outputs);
    }

    private static async Task<PredictionSegment> ReadAsync(ParquetReader reader, CancellationToken ct)
    {
        var (dataFields, inputs, outputs) = CheckSchema(reader);

        var records = new List<PredictionRecord>();
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var rows = checked((int)group.RowCount);
            if (rows == 0)
            {
                continue;
            }

            var requestIds = await StringsAsync(group, dataFields[PredictionLogColumns.RequestId], rows, ct);
            var rowNumbers = await ValuesAsync<int>(group, dataFields[PredictionLogColumns.Row], rows, ct);
            var timestamps = await ValuesAsync<DateTime>(group, dataFields[PredictionLogColumns.Timestamp], rows, ct);
            var deployments = await StringsAsync(group, dataFields[PredictionLogColumns.Deployment], rows, ct);
            var models = await StringsAsync(group, dataFields[PredictionLogColumns.Model], rows, ct);
            var versions = await StringsAsync(group, dataFields[PredictionLogColumns.Version], rows, ct);
            var routes = await StringsAsync(group, dataFields[PredictionLogColumns.Route], rows, ct);
            var shadows = await ValuesAsync<bool>(group, dataFields[PredictionLogColumns.Shadow], rows, ct);
            var latencies = await ValuesAsync<double>(group, dataFields[PredictionLogColumns.LatencyMs], rows, ct);
            var statuses = await ValuesAsync<int>(group, dataFields[PredictionLogColumns.Status], rows, ct);
            var inputCells = await CellsAsync(group, inputs, rows, ct);
            var outputCells = await CellsAsync(group, outputs, rows, ct);
            for (var i = 0; i < rows; i++)
            {
                var (row, timestamp) = CheckRow(requestIds[i], rowNumbers[i], timestamps[i], records.Count);
                records.Add(new PredictionRecord(
                    requestIds[i]!, row, timestamp, deployments[i] ?? "", models[i] ?? "",
                    versions[i] ?? "", routes[i] ?? "", shadows[i] ?? false, latencies[i] ?? double.NaN, statuses[i] ?? 0,
                    Row(inputs, inputCells, i), Row(outputs, outputCells, i)));
            }
        }

        if (records.Count == 0)
        {
            throw Invalid("it has no rows");
        }

        return new PredictionSegment(records, Kinds(inputs, records, r => r.Inputs), Kinds(outputs, records, r => r.Outputs));
    }

    // A text column holding only nulls was written before any value decided its type: it takes no side when segments are merged.
    private static KeyValuePair<string, CellKind>[] Kinds(
        List<(DataField Field, string Name, CellKind Kind)> columns, List<PredictionRecord> records, Func<PredictionRecord, IReadOnlyDictionary<string, object?>> cells) =>
        [.. columns.Select(c => KeyValuePair.Create(c.Name,
            c.Kind == CellKind.Text && records.All(r => cells(r).GetValueOrDefault(c.Name) is null) ? CellKind.None : c.Kind))];

    private static Dictionary<string, object?> Row(List<(DataField Field, string Name, CellKind Kind)> columns, object?[][] cells, int row)
    {
        var values = new Dictionary<string, object?>(columns.Count, StringComparer.Ordinal);
        for (var c = 0; c < columns.Count; c++)
        {
            values[columns[c].Name] = cells[c][row];
        }
        return values;
    }

    private static async Task<object?[][]> CellsAsync(
        ParquetRowGroupReader group, List<(DataField Field, string Name, CellKind Kind)> columns, int rows, CancellationToken ct)
    {
        var cells = new object?[columns.Count][];
        for (var c = 0; c < columns.Count; c++)
        {
            var (field, _, kind) = columns[c];
            cells[c] = kind switch
            {
                CellKind.Boolean => Box(await ValuesAsync<bool>(group, field, rows, ct)),
                CellKind.Whole => Box(await WholeAsync(group, field, rows, ct)),
                CellKind.Real => Box(await RealAsync(group, field, rows, ct)),
                _ => await StringsAsync(group, field, rows, ct),
            };
        }
        return cells;
    }

    private static object?[] Box<T>(T?[] values)
        where T : struct => [.. values.Select(v => v.HasValue ? (object)v.Value : null)];

    // Narrower integer columns (from another writer) widen to long, float to double.
    private static async Task<long?[]> WholeAsync(ParquetRowGroupReader group, DataField field, int rows, CancellationToken ct) =>
        field.ClrType == typeof(int) ? [.. (await ValuesAsync<int>(group, field, rows, ct)).Select(v => (long?)v)]
        : field.ClrType == typeof(short) ? [.. (await ValuesAsync<short>(group, field, rows, ct)).Select(v => (long?)v)]
        : await ValuesAsync<long>(group, field, rows, ct);

    private static async Task<double?[]> RealAsync(ParquetRowGroupReader group, DataField field, int rows, CancellationToken ct) =>
        field.ClrType == typeof(float) ? [.. (await ValuesAsync<float>(group, field, rows, ct)).Select(v => (double?)v)]
        : await ValuesAsync<double>(group, field, rows, ct);

    private static async Task<string?[]> StringsAsync(ParquetRowGroupReader group, DataField field, int rows, CancellationToken ct)
    {
        var values = new string?[rows];
        await group.ReadAsync(field, values.AsMemory()!, null, ct);
        return values;
    }

    private static async Task<T?[]> ValuesAsync<T>(ParquetRowGroupReader group, DataField field, int rows, CancellationToken ct)
        where T : struct
    {
        var values = new T?[rows];
        if (field.IsNullable)
        {
            await group.ReadAsync(field, values.AsMemory(), null, ct);
            return values;
        }

        var plain = new T[rows];
        await group.ReadAsync(field, plain.AsMemory(), null, ct);
        for (var i = 0; i < rows; i++)
        {
            values[i] = plain[i];
        }
        return values;
    }

    private static bool IsText(Type type) => type == typeof(string) || type == typeof(ReadOnlyMemory<char>);

    private static bool SameType(Type found, Type expected) => found == expected || (IsText(found) && IsText(expected));

    private static CellKind? KindOf(Type type) =>
        IsText(type) ? CellKind.Text
        : type == typeof(bool) ? CellKind.Boolean
        : type == typeof(long) || type == typeof(int) || type == typeof(short) ? CellKind.Whole
        : type == typeof(double) || type == typeof(float) ? CellKind.Real
        : null;

    private static KeelException Invalid(string rule) =>
        KeelException.InvalidParameter($"Invalid value for parameter 'body': not a prediction-log segment: {rule} ({Rules}).");
}
