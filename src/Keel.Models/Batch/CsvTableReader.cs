using CsvHelper;

namespace Keel.Models.Batch;

/// <summary>
/// Reads CSV with CsvHelper's UTF-8 reader, copying only the selected fields' bytes into one buffer per chunk,
/// so a chunk costs its cells' size and nothing is turned into strings unless a string column needs it.
/// </summary>
internal sealed class CsvTableReader : ITableReader
{
    // A record larger than this is a broken quote swallowing the file, not data: fail instead of buffering it.
    private const int MaxRecordBytes = 16 * 1024 * 1024;

    private readonly CsvReader _csv;
    private readonly long _totalBytes;
    private int[] _selected = [];
    private long _rowsRead;
    private bool _done;

    private CsvTableReader(CsvReader csv, long totalBytes, string[] header)
    {
        _csv = csv;
        _totalBytes = totalBytes;
        Header = header;
    }

    public IReadOnlyList<string> Header { get; }

    public long BytesRead { get; private set; }

    public long TotalBytes => _totalBytes;

    public static async Task<CsvTableReader> OpenAsync(Stream input, bool leaveOpen, CancellationToken ct)
    {
        var total = input.CanSeek ? input.Length - input.Position : 0;
        var csv = CsvReader.Create(input, new CsvReaderOptions { Separator = ',', HasHeader = true, MaxRecordSize = MaxRecordBytes }, leaveOpen);
        try
        {
            await csv.ReadHeaderAsync(ct);
            return new CsvTableReader(csv, total, [.. csv.Headers]);
        }
        catch
        {
            await csv.DisposeAsync();
            throw;
        }
    }

    public void Select(IReadOnlySet<int> columns) => _selected = [.. columns.Order()];

    public Type KeptType(int column) => typeof(string);

    public async ValueTask<RawChunk?> ReadAsync(int maxRows, CancellationToken ct)
    {
        if (_done)
        {
            return null;
        }

        var buffer = new byte[64 * 1024];
        var used = 0;
        var starts = _selected.Select(_ => new int[maxRows]).ToArray();
        var lengths = _selected.Select(_ => new int[maxRows]).ToArray();
        var errors = new string?[maxRows];
        var rows = 0;
        while (rows < maxRows)
        {
            if (!await _csv.ReadAsync(ct))
            {
                _done = true;
                BytesRead = _totalBytes;
                break;
            }

            if (_csv.FieldCount != Header.Count)
            {
                errors[rows] = $"expected {Header.Count} fields, got {_csv.FieldCount}";
            }
            else
            {
                for (var s = 0; s < _selected.Length; s++)
                {
                    var cell = _csv.GetSpan(_selected[s]);
                    if (used + cell.Length > buffer.Length)
                    {
                        Array.Resize(ref buffer, Math.Max(buffer.Length * 2, used + cell.Length));
                    }

                    cell.CopyTo(buffer.AsSpan(used));
                    starts[s][rows] = used;
                    lengths[s][rows] = cell.Length;
                    used += cell.Length;
                }
            }

            rows++;
            BytesRead = _csv.ByteOffset;
        }

        if (rows == 0)
        {
            return null;
        }

        var columns = new RawColumn?[Header.Count];
        for (var s = 0; s < _selected.Length; s++)
        {
            columns[_selected[s]] = new Utf8Column(buffer, Trim(starts[s], rows), Trim(lengths[s], rows));
        }

        var first = _rowsRead + 1;
        _rowsRead += rows;
        return new RawChunk(first, rows, columns, Trim(errors, rows));
    }

    private static T[] Trim<T>(T[] values, int count) => count == values.Length ? values : values[..count];

    public ValueTask DisposeAsync() => _csv.DisposeAsync();
}
