using Keel.Core.Common;
using Keel.Core.Models;
using Keel.Models.Batch;

namespace Keel.Models.Validation;

/// <summary>
/// A held-out table read whole into memory from one or more CSV or Parquet files (stacked; they must have the same
/// columns), with the cells kept as the files hold them until a model input asks for a type. Validation data is
/// scored many times over (two models, then a shuffle per feature and repeat), so it is read once.
/// </summary>
public sealed class ValidationTable
{
    private const int ChunkRows = 65_536;

    private readonly List<(RawChunk Chunk, Dictionary<string, int> Positions)> _chunks;

    private ValidationTable(IReadOnlyList<string> columns, List<(RawChunk, Dictionary<string, int>)> chunks)
    {
        Columns = columns;
        _chunks = chunks;
        RowCount = chunks.Sum(c => c.Item1.RowCount);
    }

    /// <summary>The column names, as the first file orders them.</summary>
    public IReadOnlyList<string> Columns { get; }

    public int RowCount { get; }

    /// <summary>Reads <paramref name="paths"/> (<c>.csv</c> with a header, or <c>.parquet</c>); a later file with other columns is refused, naming it.</summary>
    public static async Task<ValidationTable> LoadAsync(IReadOnlyList<string> paths, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(paths);
        if (paths.Count == 0)
        {
            throw KeelException.InvalidParameter("No data file to validate on.");
        }
        IReadOnlyList<string>? columns = null;
        var chunks = new List<(RawChunk, Dictionary<string, int>)>();
        foreach (var path in paths)
        {
            var format = BatchScoringOptions.FormatOf(path) ?? throw KeelException.InvalidParameter($"'{path}': expected a .csv or .parquet file.");
            await using var input = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous);
            await using ITableReader reader = format == TableFormat.Csv
                ? await CsvTableReader.OpenAsync(input, leaveOpen: true, ct)
                : await ParquetTableReader.OpenAsync(input, leaveOpen: true, ct);
            if (columns is null)
            {
                columns = reader.Header;
            }
            else if (!columns.Order(StringComparer.Ordinal).SequenceEqual(reader.Header.Order(StringComparer.Ordinal), StringComparer.Ordinal))
            {
                throw KeelException.InvalidParameter(
                    $"'{Path.GetFileName(path)}' has columns {string.Join(", ", reader.Header)}, unlike the first file's {string.Join(", ", columns)}; validation stacks files with the same columns.");
            }
            var positions = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < reader.Header.Count; i++)
            {
                positions.TryAdd(reader.Header[i], i);
            }
            reader.Select(positions.Values.ToHashSet());
            while (await reader.ReadAsync(ChunkRows, ct) is { } chunk)
            {
                chunks.Add((chunk, positions));
            }
        }
        return new ValidationTable(columns!, chunks);
    }

    public bool HasColumn(string name) => _chunks.Count == 0 ? Columns.Contains(name, StringComparer.Ordinal) : _chunks[0].Positions.ContainsKey(name);

    /// <summary>Every cell of <paramref name="column"/> as text (null where missing).</summary>
    public string?[] Text(string column)
    {
        RequireColumn(column);
        var values = new string?[RowCount];
        var at = 0;
        foreach (var (chunk, positions) in _chunks)
        {
            var cells = chunk.Columns[positions[column]]!;
            for (var r = 0; r < chunk.RowCount; r++)
            {
                values[at++] = chunk.RowErrors[r] is null ? cells.Text(r) : null;
            }
        }
        return values;
    }

    /// <summary>
    /// <paramref name="column"/> parsed as a model input of <paramref name="type"/>; a row whose cell does not fit (or
    /// whose record is malformed) gets a reason in <paramref name="rowErrors"/>, which is indexed like the table.
    /// </summary>
    internal Array Parse(string column, DataType type, string?[] rowErrors)
    {
        RequireColumn(column);
        var values = Array.CreateInstance(DataTypes.ElementType(type), RowCount);
        var at = 0;
        foreach (var (chunk, positions) in _chunks)
        {
            var errors = (string?[])chunk.RowErrors.Clone();
            var parsed = CellParser.Parse(chunk.Columns[positions[column]]!, column, type, errors);
            Array.Copy(parsed, 0, values, at, chunk.RowCount);
            for (var r = 0; r < chunk.RowCount; r++)
            {
                rowErrors[at + r] ??= errors[r];
            }
            at += chunk.RowCount;
        }
        return values;
    }

    private void RequireColumn(string column)
    {
        if (!HasColumn(column))
        {
            throw KeelException.InvalidParameter($"The data has no column '{column}'; it has {string.Join(", ", Columns)}.");
        }
    }
}
