using System.Text;

namespace Keel.Web.Pages.RunDetails;

/// <summary>Reads the first rows of CSV/TSV text (RFC 4180 quoting) for a preview table.</summary>
internal static class CsvPreviewReader
{
    public static (List<List<string>> Rows, bool Truncated) Read(string text, char separator, int maxRows, int maxColumns)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"' && field.Length == 0)
            {
                quoted = true;
            }
            else if (c == separator)
            {
                AddField(row, field, maxColumns);
            }
            else if (c is '\n' or '\r')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }
                AddField(row, field, maxColumns);
                rows.Add(row);
                row = [];
                if (rows.Count > maxRows)
                {
                    rows.RemoveAt(rows.Count - 1);
                    return (rows, true);
                }
            }
            else
            {
                field.Append(c);
            }
        }
        if (field.Length > 0 || row.Count > 0)
        {
            AddField(row, field, maxColumns);
            rows.Add(row);
        }
        return (rows, false);
    }

    private static void AddField(List<string> row, StringBuilder field, int maxColumns)
    {
        if (row.Count < maxColumns)
        {
            row.Add(field.ToString());
        }
        field.Clear();
    }
}
