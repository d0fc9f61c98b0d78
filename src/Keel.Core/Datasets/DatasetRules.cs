using System.Globalization;
using Keel.Core.Common;
using Keel.Core.Data;
using Keel.Core.Data.Profiles;
using Keel.Core.Registry;
using Keel.Core.Tracking;
using static Keel.Core.Tracking.TrackingValidation;

namespace Keel.Core.Datasets;

/// <summary>
/// What makes dataset requests valid. Every broken rule throws <see cref="KeelException"/> with
/// <see cref="ErrorCode.InvalidParameterValue"/>, naming the field and the rule.
/// </summary>
public static class DatasetRules
{
    public const int MaxNameLength = RegistryLimits.MaxModelNameLength;
    public const int MaxDescriptionLength = RegistryLimits.MaxDescriptionLength;
    public const int MaxTagValueLength = RegistryLimits.MaxTagValueLength;
    public const int MaxSourceLength = TrackingLimits.MaxDatasetSourceLength;
    public const int MaxColumns = 10_000;
    public const int MaxColumnNameLength = 1_000;
    public const int MaxColumnTypeLength = 64;
    public const int DefaultMaxResults = 100;
    public const int MaxResults = 1_000;

    /// <summary>A registered model's name rule (not blank; no '/', '\' or control characters; at most 256), and not '.' or '..'.</summary>
    public static string Name(string? name, string field = "name")
    {
        var value = Required(name, field);
        MaxLength(value, MaxNameLength, field);
        // Names travel as one URL path segment: separators, control characters and dot segments would be rewritten.
        if (value.Trim().Length == 0 || value is "." or ".." || value.Any(c => char.IsControl(c) || c is '/' or '\\'))
        {
            throw KeelException.InvalidParameter(
                $"Invalid value '{Printable(value)}' for parameter '{field}': dataset names must not be blank, '.' or '..', or contain '/', '\\' or control characters.");
        }
        return value;
    }

    public static string Description(string? description, string field = "description")
    {
        MaxLength(description, MaxDescriptionLength, field);
        return description ?? "";
    }

    public static Tag Tag(string? key, string? value, string field = "")
    {
        var k = Required(key, field + "key");
        EntityKey(k, "Tag");
        MaxLength(value, MaxTagValueLength, field + "value");
        return new Tag(k, value ?? "");
    }

    public static IReadOnlyList<Tag> Tags(IReadOnlyList<Tag>? tags)
    {
        var result = new List<Tag>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < (tags?.Count ?? 0); i++)
        {
            var tag = Tag(tags![i].Key, tags[i].Value, Text($"tags[{i}]."));
            if (!seen.Add(tag.Key))
            {
                throw KeelException.InvalidParameter(Text($"Invalid value '{tag.Key}' for parameter 'tags[{i}].key': each key may appear once."));
            }
            result.Add(tag);
        }
        return result;
    }

    /// <summary>A version number given as text (from a URL): a positive whole number.</summary>
    public static long Version(string? version, string field = "version")
    {
        var text = Required(version, field);
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0
            ? number
            : throw KeelException.InvalidParameter($"Invalid value '{Printable(text)}' for parameter '{field}': dataset versions are positive integers.");
    }

    public static long Version(long version, string field = "version") =>
        version > 0
            ? version
            : throw KeelException.InvalidParameter(Text($"Invalid value '{version}' for parameter '{field}': dataset versions are positive integers."));

    /// <summary>The page size: null means <see cref="DefaultMaxResults"/>; otherwise 1 to <see cref="MaxResults"/>.</summary>
    public static int PageSize(long? maxResults) =>
        maxResults switch
        {
            null => DefaultMaxResults,
            >= 1 and <= MaxResults => (int)maxResults.Value,
            _ => throw KeelException.InvalidParameter(
                Text($"Invalid value '{maxResults}' for parameter 'max_results': expected 1 to {MaxResults}.")),
        };

    /// <summary>
    /// Checks a version's own fields (the manifest's existence and agreement are the service's) and fills row count
    /// and schema from the profile when only it is given.
    /// </summary>
    public static NewDatasetVersion Validate(NewDatasetVersion version)
    {
        ArgumentNullException.ThrowIfNull(version);
        Name(version.Name);
        ContentHash.Require(version.ManifestHash, "manifest_hash");
        if (version.Kind is not (DatasetKinds.File or DatasetKinds.Directory))
        {
            throw KeelException.InvalidParameter($"Invalid value '{Printable(version.Kind)}' for parameter 'kind': expected 'file' or 'directory'.");
        }
        NonNegative(version.Size, "size");
        NonNegative(version.FileCount, "file_count");
        if (version.Kind == DatasetKinds.File && version.FileCount != 1)
        {
            throw KeelException.InvalidParameter(Text($"Invalid value '{version.FileCount}' for parameter 'file_count': a file version holds exactly 1 file."));
        }
        Description(version.Description);
        MaxLength(version.Source, MaxSourceLength, "source");
        if (version.RowCount is { } rows)
        {
            NonNegative(rows, "row_count");
        }
        if (version.Schema is { } schema)
        {
            Schema(schema, "schema");
        }
        var filled = version with { Tags = Tags(version.Tags) };
        if (version.Profile is { } profile)
        {
            ProfileColumns(profile);
            if (version.RowCount is { } given && given != profile.RowCount)
            {
                throw KeelException.InvalidParameter(
                    Text($"Invalid value '{given}' for parameter 'row_count': the profile counts {profile.RowCount} rows."));
            }
            filled = filled with
            {
                RowCount = profile.RowCount,
                Schema = version.Schema ?? profile.Columns.Select(c => new DatasetColumn(c.Name, c.Type)).ToArray(),
            };
        }
        return filled;
    }

    private static void Schema(IReadOnlyList<DatasetColumn> columns, string field)
    {
        if (columns.Count > MaxColumns)
        {
            throw KeelException.InvalidParameter(Text($"Invalid value for parameter '{field}': at most {MaxColumns} columns (got {columns.Count})."));
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < columns.Count; i++)
        {
            var column = columns[i] ?? throw KeelException.InvalidParameter(Text($"Missing value for required parameter '{field}[{i}]'."));
            var name = Required(column.Name, Text($"{field}[{i}].name"));
            MaxLength(name, MaxColumnNameLength, Text($"{field}[{i}].name"));
            var type = Required(column.Type, Text($"{field}[{i}].type"));
            MaxLength(type, MaxColumnTypeLength, Text($"{field}[{i}].type"));
            if (!seen.Add(name))
            {
                throw KeelException.InvalidParameter(Text($"Invalid value '{Printable(name)}' for parameter '{field}[{i}].name': column names must be unique."));
            }
        }
    }

    private static void ProfileColumns(DatasetProfile profile)
    {
        NonNegative(profile.RowCount, "profile.row_count");
        if (profile.Columns is null)
        {
            throw KeelException.InvalidParameter("Missing value for required parameter 'profile.columns'.");
        }
        Schema(profile.Columns.Select(c => c is null ? null! : new DatasetColumn(c.Name, c.Type)).ToArray(), "profile.columns");
    }

    private static void NonNegative(long value, string field)
    {
        if (value < 0)
        {
            throw KeelException.InvalidParameter(Text($"Invalid value '{value}' for parameter '{field}': expected a number >= 0."));
        }
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string Printable(string? value) =>
        string.Concat((value ?? "").Select(c => char.IsControl(c) ? string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}") : c.ToString()));
}
