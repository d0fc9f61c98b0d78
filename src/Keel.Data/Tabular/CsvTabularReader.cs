using System.Globalization;
using CsvHelper;
using Keel.Core.Common;

namespace Keel.Data.Tabular;

/// <summary>
/// Reads a comma-separated file with a header row, <see cref="BatchRows"/> rows at a time: memory is one batch of
/// cells, whatever the file's size. An empty cell is null. A row whose field count differs from the header's, or
/// broken quoting, fails with the file and line named.
/// </summary>
internal sealed class CsvTabularReader : ITabularReader
{
    public const int BatchRows = 4096;

    // A record larger than this is a broken quote swallowing the file, not data: fail instead of buffering it.
    private const int MaxRecordBytes = 16 * 1024 * 1024;

    private readonly CsvReader _csv;
    private readonly string _path;
    private readonly string[] _types;

    private CsvTabularReader(CsvReader csv, string path, IReadOnlyList<TabularColumn> columns)
    {
        _csv = csv;
        _path = path;
        Columns = columns;
        _types = [.. columns.Select(c => c.Type)];
    }

    public IReadOnlyList<TabularColumn> Columns { get; }

    /// <summary>
    /// Opens <paramref name="path"/>. With <paramref name="columns"/> null, the header is read and every column is
    /// string; the caller infers types with a first pass and reopens with them (see <see cref="TabularReader"/>).
    /// </summary>
    public static async Task<CsvTabularReader> OpenAsync(string path, IReadOnlyList<TabularColumn>? columns, CancellationToken ct)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        var csv = CsvReader.Create(stream, new CsvReaderOptions
        {
            Separator = ',',
            HasHeader = true,
            TrackLineNumbers = true,
            MalformedData = CsvMalformedDataHandling.Throw,
            MaxRecordSize = MaxRecordBytes,
        }, leaveOpen: false);
        try
        {
            await Guard(path, async () =>
            {
                await csv.ReadHeaderAsync(ct);
                return true;
            });
            var header = csv.Headers?.ToArray() ?? [];
            var duplicate = header.GroupBy(h => h, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null)
            {
                throw KeelException.InvalidParameter($"{path}: the header names column '{duplicate.Key}' more than once.");
            }
            if (columns is not null && !columns.Select(c => c.Name).SequenceEqual(header, StringComparer.Ordinal))
            {
                throw KeelException.InvalidParameter($"{path}: the header changed while it was being read.");
            }

            return new CsvTabularReader(csv, path, columns ?? [.. header.Select(h => new TabularColumn(h, Keel.Core.Data.Profiles.ColumnKinds.Text))]);
        }
        catch
        {
            await csv.DisposeAsync();
            throw;
        }
    }

    public async ValueTask<ITabularBatch?> ReadAsync(CancellationToken ct)
    {
        var columns = Columns.Select(_ => new string?[BatchRows]).ToArray();
        var rows = 0;
        while (rows < BatchRows && await Guard(_path, async () => await _csv.ReadAsync(ct)))
        {
            if (_csv.FieldCount != columns.Length)
            {
                throw KeelException.InvalidParameter(string.Create(CultureInfo.InvariantCulture,
                    $"{_path}: line {_csv.LineNumber}: expected {columns.Length} fields as in the header, got {_csv.FieldCount}."));
            }
            for (var c = 0; c < columns.Length; c++)
            {
                var cell = _csv.GetString(c);
                columns[c][rows] = cell.Length == 0 ? null : cell;
            }
            rows++;
        }

        return rows == 0 ? null : new Batch(columns, rows, _types);
    }

    public ValueTask DisposeAsync() => _csv.DisposeAsync();

    private static async Task<T> Guard<T>(string path, Func<Task<T>> read)
    {
        try
        {
            return await read();
        }
        catch (CsvFormatException e)
        {
            throw new KeelException(ErrorCode.InvalidParameterValue, $"{path}: malformed CSV: {e.Message}", e);
        }
    }

    private sealed class Batch(string?[][] columns, int rows, string[] types) : ITabularBatch
    {
        public int RowCount => rows;

        public ValueTask<TabularCells> ColumnAsync(int index, CancellationToken ct) => ValueTask.FromResult<TabularCells>(new CsvCells(columns[index], rows, types[index]));
    }
}
