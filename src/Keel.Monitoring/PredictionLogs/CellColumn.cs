using System.Globalization;

namespace Keel.Monitoring.PredictionLogs;

/// <summary>The type a logged column is written with, decided by the values seen in one segment.</summary>
public enum CellKind
{
    /// <summary>Only nulls so far (written as a nullable string column).</summary>
    None,

    /// <summary>bool.</summary>
    Boolean,

    /// <summary>int64 (whole numbers).</summary>
    Whole,

    /// <summary>double.</summary>
    Real,

    /// <summary>string (text, or values of mixed types).</summary>
    Text,
}

// One input or output column of a segment being built: typed storage that widens as values arrive (long and double
// make double; bool with a number, or anything with text, makes text), so a column is always one Parquet type.
internal sealed class CellColumn(string name)
{
    private bool[] _present = new bool[16];
    private bool[]? _bools;
    private long[]? _longs;
    private double[]? _doubles;
    private string?[]? _strings;

    public string Name { get; } = name;

    public CellKind Kind { get; private set; }

    public int Count { get; private set; }

    public void PadTo(int rows)
    {
        while (Count < rows)
        {
            Reserve();
            _present[Count++] = false;
        }
    }

    public void AddNull()
    {
        Reserve();
        _present[Count++] = false;
    }

    public void Add(bool value)
    {
        if (Kind is CellKind.None or CellKind.Boolean)
        {
            Kind = CellKind.Boolean;
            Reserve();
            _bools![Count] = value;
            _present[Count++] = true;
            return;
        }
        Add(value ? "true" : "false");
    }

    public void Add(long value)
    {
        switch (Kind)
        {
            case CellKind.None or CellKind.Whole:
                Kind = CellKind.Whole;
                Reserve();
                _longs![Count] = value;
                _present[Count++] = true;
                return;
            case CellKind.Real:
                Add((double)value);
                return;
            default:
                Add(value.ToString(CultureInfo.InvariantCulture));
                return;
        }
    }

    public void Add(double value)
    {
        if (Kind == CellKind.Whole)
        {
            Widen(CellKind.Real);
        }
        if (Kind is CellKind.None or CellKind.Real)
        {
            Kind = CellKind.Real;
            Reserve();
            _doubles![Count] = value;
            _present[Count++] = true;
            return;
        }
        Add(value.ToString("R", CultureInfo.InvariantCulture));
    }

    public void Add(string? value)
    {
        if (value is null)
        {
            AddNull();
            return;
        }
        if (Kind != CellKind.Text)
        {
            Widen(CellKind.Text);
        }
        Reserve();
        _strings![Count] = value;
        _present[Count++] = true;
    }

    /// <summary>Adds a cell of a record: double, float, long, int, bool, string or null; other values as their invariant text.</summary>
    public void AddValue(object? value)
    {
        switch (value)
        {
            case null:
                AddNull();
                break;
            case bool b:
                Add(b);
                break;
            case long l:
                Add(l);
                break;
            case int i:
                Add(i);
                break;
            case double d:
                Add(d);
                break;
            case float f:
                Add(f);
                break;
            case string s:
                Add(s);
                break;
            default:
                Add(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }

    public bool?[] Booleans() => Values(_bools);

    public long?[] Longs() => Values(_longs);

    public double?[] Doubles() => Values(_doubles);

    public string?[] Strings()
    {
        var values = new string?[Count];
        if (_strings is not null)
        {
            Array.Copy(_strings, values, Count);
        }
        return values;
    }

    private T?[] Values<T>(T[]? source)
        where T : struct
    {
        var values = new T?[Count];
        for (var i = 0; i < Count; i++)
        {
            if (_present[i])
            {
                values[i] = source![i];
            }
        }
        return values;
    }

    // Rewrites the cells already held in the wider kind; only a kind change pays this, once per column.
    private void Widen(CellKind to)
    {
        if (Kind == to)
        {
            return;
        }

        if (to == CellKind.Real)
        {
            _doubles = new double[_present.Length];
            for (var i = 0; i < Count; i++)
            {
                _doubles[i] = _present[i] ? _longs![i] : 0;
            }
            _longs = null;
        }
        else
        {
            _strings = new string?[_present.Length];
            for (var i = 0; i < Count; i++)
            {
                _strings[i] = !_present[i] ? null : Kind switch
                {
                    CellKind.Boolean => _bools![i] ? "true" : "false",
                    CellKind.Whole => _longs![i].ToString(CultureInfo.InvariantCulture),
                    CellKind.Real => _doubles![i].ToString("R", CultureInfo.InvariantCulture),
                    _ => null,
                };
            }
            (_bools, _longs, _doubles) = (null, null, null);
        }
        Kind = to;
    }

    private void Reserve()
    {
        if (Count == _present.Length)
        {
            var size = _present.Length * 2;
            Array.Resize(ref _present, size);
            Grow(ref _bools, size);
            Grow(ref _longs, size);
            Grow(ref _doubles, size);
            Grow(ref _strings, size);
        }

        switch (Kind)
        {
            case CellKind.Boolean:
                _bools ??= new bool[_present.Length];
                break;
            case CellKind.Whole:
                _longs ??= new long[_present.Length];
                break;
            case CellKind.Real:
                _doubles ??= new double[_present.Length];
                break;
            case CellKind.Text:
                _strings ??= new string?[_present.Length];
                break;
        }
    }

    private static void Grow<T>(ref T[]? array, int size)
    {
        if (array is not null)
        {
            Array.Resize(ref array, size);
        }
    }
}
