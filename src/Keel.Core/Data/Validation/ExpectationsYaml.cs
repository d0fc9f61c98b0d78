using System.Globalization;
using Keel.Core.Common;
using Keel.Core.Data.Profiles;
using Keel.Core.Models.Packages;

namespace Keel.Core.Data.Validation;

/// <summary>
/// Reads an expectations file, as given to <c>keel data validate --rules</c>:
/// <code>
/// row_count: {min: 100, max: 1000000}
/// require_columns: [age, country]
/// columns:
///   age: {type: integer, nullable: false, min: 0, max: 130}
///   country: {type: string, allowed: [FR, DE, US], max_null_fraction: 0.01}
///   id: {unique: true}
///   income: {drift: {max_psi: 0.2, max_js: 0.1}}
/// </code>
/// Every key is optional. Column keys: <c>type</c> (integer, double, boolean, datetime, string), <c>nullable</c>,
/// <c>max_null_fraction</c> (0..1), <c>min</c>, <c>max</c>, <c>allowed</c> (a list), <c>unique</c>, <c>drift</c>
/// (<c>max_psi</c>, <c>max_js</c>; needs a reference). YAML 1.1 reads plain NO, yes, on… as booleans: quote such
/// category names (<c>allowed: ["NO", "SE"]</c>). An unknown key is refused with the list of known ones, so a typo
/// never turns a rule off silently.
/// </summary>
public static class ExpectationsYaml
{
    private const string What = "The expectations file";

    private static readonly string[] TopKeys = ["row_count", "require_columns", "columns"];
    private static readonly string[] RowCountKeys = ["min", "max"];
    private static readonly string[] ColumnKeys = ["type", "nullable", "max_null_fraction", "min", "max", "allowed", "unique", "drift"];
    private static readonly string[] DriftKeys = ["max_psi", "max_js"];
    private static readonly string[] Types = [ColumnKinds.Whole, ColumnKinds.Real, ColumnKinds.Flag, ColumnKinds.Timestamp, ColumnKinds.Text];

    /// <summary>Parses an expectations file; any mistake throws INVALID_PARAMETER_VALUE naming the key.</summary>
    public static DataExpectations Parse(string yaml)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var root = YamlTree.Load(yaml, What) switch
        {
            null => new Dictionary<string, object?>(),
            IReadOnlyDictionary<string, object?> map => map,
            _ => throw KeelException.InvalidParameter($"{What} must be a YAML mapping with {string.Join(", ", TopKeys)}."),
        };
        Keys(root, TopKeys, "");

        long? minRows = null, maxRows = null;
        if (root.GetValueOrDefault("row_count") is { } rowCount)
        {
            var map = Map(rowCount, "row_count");
            Keys(map, RowCountKeys, "row_count.");
            minRows = Whole(map, "min", "row_count.min");
            maxRows = Whole(map, "max", "row_count.max");
            if (minRows > maxRows)
            {
                throw KeelException.InvalidParameter($"Invalid value for parameter 'row_count': min {minRows} is above max {maxRows}.");
            }
        }

        var required = root.GetValueOrDefault("require_columns") switch
        {
            null => [],
            IReadOnlyList<object?> list => list.Select((item, i) => Name(item, Indexed("require_columns", i))).ToList(),
            _ => throw KeelException.InvalidParameter("Invalid value for parameter 'require_columns': expected a list of column names."),
        };

        var columns = new List<ColumnExpectation>();
        if (root.GetValueOrDefault("columns") is { } columnsNode)
        {
            foreach (var (name, rules) in Map(columnsNode, "columns"))
            {
                columns.Add(Column(name, rules));
            }
        }

        return new DataExpectations(minRows, maxRows, required, columns);
    }

    private static ColumnExpectation Column(string name, object? node)
    {
        var field = $"columns.{name}";
        // `age: {}` or a bare `age:` asks only that the column be present.
        var map = node is null ? new Dictionary<string, object?>() : Map(node, field);
        Keys(map, ColumnKeys, field + ".");
        var type = map.GetValueOrDefault("type") switch
        {
            null => null,
            string text when Types.Contains(text, StringComparer.Ordinal) => text,
            var other => throw KeelException.InvalidParameter(
                $"Invalid value '{other}' for parameter '{field}.type': expected one of {string.Join(", ", Types)}."),
        };
        var maxNullFraction = Number(map, "max_null_fraction", field);
        if (maxNullFraction is < 0 or > 1)
        {
            throw KeelException.InvalidParameter($"Invalid value for parameter '{field}.max_null_fraction': expected a fraction between 0 and 1.");
        }
        var min = Number(map, "min", field);
        var max = Number(map, "max", field);
        if (min > max)
        {
            throw KeelException.InvalidParameter($"Invalid value for parameter '{field}': min {min} is above max {max}.");
        }
        var allowed = map.GetValueOrDefault("allowed") switch
        {
            null => null,
            IReadOnlyList<object?> list => list.Select((item, i) => Name(item, Indexed(field + ".allowed", i))).ToList(),
            _ => throw KeelException.InvalidParameter($"Invalid value for parameter '{field}.allowed': expected a list of values."),
        };

        return new ColumnExpectation(
            name, type, Flag(map, "nullable", field), maxNullFraction, min, max, allowed, Flag(map, "unique", field), Drift(map, field));
    }

    private static DriftExpectation? Drift(IReadOnlyDictionary<string, object?> column, string field)
    {
        if (column.GetValueOrDefault("drift") is not { } node)
        {
            return null;
        }

        var map = Map(node, field + ".drift");
        Keys(map, DriftKeys, field + ".drift.");
        var psi = Number(map, "max_psi", field + ".drift");
        var js = Number(map, "max_js", field + ".drift");
        if (psi is null && js is null)
        {
            throw KeelException.InvalidParameter($"Invalid value for parameter '{field}.drift': expected max_psi, max_js or both.");
        }
        if (psi < 0 || js is < 0 or > 1)
        {
            throw KeelException.InvalidParameter($"Invalid value for parameter '{field}.drift': max_psi must be at least 0 and max_js between 0 and 1.");
        }
        return new DriftExpectation(psi, js);
    }

    private static void Keys(IReadOnlyDictionary<string, object?> map, string[] known, string prefix)
    {
        var unknown = map.Keys.FirstOrDefault(k => !known.Contains(k, StringComparer.Ordinal));
        if (unknown is not null)
        {
            throw KeelException.InvalidParameter(
                $"Unknown key '{prefix}{unknown}' in the expectations file; expected {string.Join(", ", known.Select(k => prefix + k))}.");
        }
    }

    private static IReadOnlyDictionary<string, object?> Map(object? value, string field) =>
        value as IReadOnlyDictionary<string, object?>
            ?? throw KeelException.InvalidParameter($"Invalid value for parameter '{field}': expected a mapping.");

    private static string Indexed(string field, int index) => string.Create(CultureInfo.InvariantCulture, $"{field}[{index}]");

    // A number or boolean written where a name belongs (allowed: [1, 2]) is read as its text.
    private static string Name(object? value, string field) => value switch
    {
        string text => text,
        bool flag => flag ? "true" : "false",
        long number => number.ToString(CultureInfo.InvariantCulture),
        double number => number.ToString("R", CultureInfo.InvariantCulture),
        _ => throw KeelException.InvalidParameter($"Invalid value for parameter '{field}': expected a name or value."),
    };

    private static double? Number(IReadOnlyDictionary<string, object?> map, string key, string field) => map.GetValueOrDefault(key) switch
    {
        null => null,
        long number => number,
        double number when double.IsFinite(number) => number,
        var other => throw KeelException.InvalidParameter($"Invalid value '{other}' for parameter '{field}.{key}': expected a number."),
    };

    private static long? Whole(IReadOnlyDictionary<string, object?> map, string key, string field) => map.GetValueOrDefault(key) switch
    {
        null => null,
        long number when number >= 0 => number,
        var other => throw KeelException.InvalidParameter($"Invalid value '{other}' for parameter '{field}': expected a whole number of at least 0."),
    };

    private static bool? Flag(IReadOnlyDictionary<string, object?> map, string key, string field) => map.GetValueOrDefault(key) switch
    {
        null => null,
        bool flag => flag,
        var other => throw KeelException.InvalidParameter($"Invalid value '{other}' for parameter '{field}.{key}': expected true or false."),
    };
}
