using Keel.Core.Data.Profiles;

namespace Keel.Data.Tabular;

/// <summary>
/// Infers one CSV column's type from all of its non-empty cells: the first of integer, double, boolean, datetime
/// that every cell parses as, else string. A column with no values at all is string.
/// </summary>
internal sealed class TypeInference
{
    private bool _whole = true;
    private bool _real = true;
    private bool _flag = true;
    private bool _time = true;
    private bool _any;

    public void Add(string? text)
    {
        if (text is null)
        {
            return;
        }

        _any = true;
        var number = (_real || _whole) && CellParsing.TryReal(text, out _);
        _whole = _whole && number && CellParsing.TryWhole(text, out _);
        _real = _real && number;
        // A number is neither a boolean nor a timestamp; only text that is not one pays for those parsers.
        _flag = _flag && !number && CellParsing.TryFlag(text, out _);
        _time = _time && !number && CellParsing.TryTimestamp(text, out _);
    }

    public string Type =>
        !_any ? ColumnKinds.Text
        : _whole ? ColumnKinds.Whole
        : _real ? ColumnKinds.Real
        : _flag ? ColumnKinds.Flag
        : _time ? ColumnKinds.Timestamp
        : ColumnKinds.Text;
}
