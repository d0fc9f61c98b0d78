using Keel.Core.Data.Profiles;
using Keel.Core.Datasets;

namespace Keel.Web.Pages.Datasets;

/// <summary>How a column's place in the schema changed between two versions.</summary>
public enum SchemaChangeKind
{
    Added,
    Removed,
    TypeChanged,
}

/// <summary>One schema change: the column, what happened, and its type before and after (null where absent).</summary>
public sealed record SchemaChange(string Column, SchemaChangeKind Kind, string? OldType, string? NewType);

/// <summary>One statistic of a column in both versions (null where a version has no value for it).</summary>
public sealed record StatDelta(string Statistic, double? Old, double? New)
{
    public double? Change => Old is { } a && New is { } b ? b - a : null;

    public bool Changed => Old != New;
}

/// <summary>The profile statistics of a column present in both versions.</summary>
public sealed record ColumnDelta(string Column, string Type, IReadOnlyList<StatDelta> Stats)
{
    public bool Changed => Stats.Any(s => s.Changed);
}

/// <summary>
/// What changed from version <see cref="Old"/> to version <see cref="New"/> of a dataset: schema (columns added, removed or
/// retyped; from the stored schema, else the profile's columns), size, files and rows, and per-column profile deltas.
/// </summary>
public sealed class DatasetDiff
{
    private DatasetDiff(DatasetVersion old, DatasetVersion @new, IReadOnlyList<SchemaChange> schema, IReadOnlyList<ColumnDelta> columns, bool hasSchema)
    {
        Old = old;
        New = @new;
        SchemaChanges = schema;
        Columns = columns;
        HasSchema = hasSchema;
    }

    public DatasetVersion Old { get; }

    public DatasetVersion New { get; }

    public IReadOnlyList<SchemaChange> SchemaChanges { get; }

    public IReadOnlyList<ColumnDelta> Columns { get; }

    /// <summary>False when neither version has a schema or profile (e.g. a directory of images): only sizes compare.</summary>
    public bool HasSchema { get; }

    public bool SameContent => Old.ManifestHash == New.ManifestHash;

    public IReadOnlyList<StatDelta> Totals =>
    [
        new("rows", Old.RowCount, New.RowCount),
        new("bytes", Old.Size, New.Size),
        new("files", Old.FileCount, New.FileCount),
    ];

    public static DatasetDiff Compare(DatasetVersion old, DatasetVersion @new)
    {
        ArgumentNullException.ThrowIfNull(old);
        ArgumentNullException.ThrowIfNull(@new);
        var before = SchemaOf(old);
        var after = SchemaOf(@new);
        var changes = new List<SchemaChange>();
        foreach (var (name, type) in after)
        {
            if (!before.TryGetValue(name, out var oldType))
            {
                changes.Add(new SchemaChange(name, SchemaChangeKind.Added, null, type));
            }
            else if (oldType != type)
            {
                changes.Add(new SchemaChange(name, SchemaChangeKind.TypeChanged, oldType, type));
            }
        }
        changes.AddRange(before.Keys.Where(n => !after.ContainsKey(n)).Select(n => new SchemaChange(n, SchemaChangeKind.Removed, before[n], null)));

        var oldProfiles = (old.Profile?.Columns ?? []).ToDictionary(c => c.Name, StringComparer.Ordinal);
        var deltas = (@new.Profile?.Columns ?? [])
            .Where(c => oldProfiles.ContainsKey(c.Name))
            .Select(c => Delta(oldProfiles[c.Name], c))
            .ToArray();
        return new DatasetDiff(old, @new, changes, deltas, before.Count > 0 || after.Count > 0);
    }

    private static Dictionary<string, string> SchemaOf(DatasetVersion version)
    {
        var columns = new Dictionary<string, string>(StringComparer.Ordinal);
        IEnumerable<(string Name, string Type)> source = version.Schema is { Count: > 0 } schema
            ? schema.Select(c => (c.Name, c.Type))
            : (version.Profile?.Columns ?? []).Select(c => (c.Name, c.Type));
        foreach (var (name, type) in source)
        {
            columns.TryAdd(name, type);
        }
        return columns;
    }

    private static ColumnDelta Delta(ColumnProfile old, ColumnProfile @new) => new(@new.Name, @new.Type,
    [
        new("count", old.Count, @new.Count),
        new("nulls", old.Nulls, @new.Nulls),
        new("distinct", old.Distinct, @new.Distinct),
        new("min", old.Min, @new.Min),
        new("max", old.Max, @new.Max),
        new("mean", old.Mean, @new.Mean),
        new("std", old.Std, @new.Std),
    ]);
}
