using CsvHelper;

namespace Keel.Models.Batch;

/// <summary>Writes scored rows as RFC 4180 CSV: a header from the first chunk's names, numbers in round-trip form.</summary>
internal sealed class CsvTableWriter(Stream output, bool leaveOpen) : ITableWriter
{
    private readonly CsvWriter _csv = CsvWriter.Create(output, new CsvWriterOptions { NewLine = "\n" }, leaveOpen);
    private bool _headerWritten;

    public ValueTask WriteAsync(IReadOnlyList<OutputColumn> columns, CancellationToken ct)
    {
        if (!_headerWritten)
        {
            _csv.WriteHeader([.. columns.Select(c => c.Name)]);
            _headerWritten = true;
        }

        var rows = columns.Count == 0 ? 0 : columns[0].Values.Length;
        for (var r = 0; r < rows; r++)
        {
            foreach (var column in columns)
            {
                WriteCell(column.Values, r);
            }

            _csv.EndRecord();
        }

        return ValueTask.CompletedTask;
    }

    private void WriteCell(Array values, int row)
    {
        switch (values)
        {
            case float[] f:
                _csv.WriteField(f[row], default);
                break;
            case double[] d:
                _csv.WriteField(d[row], default);
                break;
            case long[] l:
                _csv.WriteField(l[row], default);
                break;
            case int[] i:
                _csv.WriteField(i[row], default);
                break;
            case bool[] b:
                _csv.WriteField(b[row]);
                break;
            case string?[] s:
                _csv.WriteField(s[row]);
                break;
            default:
                _csv.WriteField(values.GetValue(row));
                break;
        }
    }

    public ValueTask DisposeAsync() => _csv.DisposeAsync();
}
