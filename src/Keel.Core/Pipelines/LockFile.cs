using System.Globalization;
using Keel.Core.Common;
using Keel.Core.Models.Packages;

namespace Keel.Core.Pipelines;

/// <summary>
/// Reads and writes <c>keel.lock</c> (meant for git, like DVC's dvc.lock): <c>schema: 1</c> and, per stage in ordinal
/// order, <c>cmd</c>, <c>deps</c>, <c>params</c> and <c>outs</c> maps with keys in ordinal order (empty maps left out),
/// so the text only changes when a stage's state does.
/// </summary>
public static class LockFile
{
    /// <summary>The conventional lock file name.</summary>
    public const string DefaultFileName = "keel.lock";

    /// <summary>The schema version written and understood.</summary>
    public const int Schema = 1;

    private static readonly string[] StageKeys = ["cmd", "deps", "params", "outs"];

    /// <summary>Parses a lock file (blank text = no stages); throws INVALID_PARAMETER_VALUE naming <paramref name="fileName"/>, the line and the key when malformed.</summary>
    public static IReadOnlyList<StageLock> Parse(string text, string fileName)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        var root = YamlDoc.Load(text, fileName);
        if (root is null)
        {
            return [];
        }
        if (root is not YMap map)
        {
            throw Fail(fileName, root.Line, null, "schema", "expected a mapping with schema and stages");
        }
        foreach (var (key, _) in map.Entries.Where(e => e.Key.Text is not ("schema" or "stages")))
        {
            throw Fail(fileName, key.Line, null, key.Text, "unknown key; expected schema, stages");
        }
        var schema = map.Get("schema") as YScalar;
        if (schema?.Value is not long version || version != Schema)
        {
            throw Fail(fileName, schema?.Line ?? map.Line, null, "schema",
                string.Create(CultureInfo.InvariantCulture, $"'{schema?.Text}' is not supported; this Keel reads schema {Schema}"));
        }
        var stages = map.Get("stages") switch
        {
            null or YScalar { IsNull: true } => [],
            YMap entries => entries.Entries,
            var other => throw Fail(fileName, other.Line, null, "stages", "expected a mapping of stage name to its state"),
        };
        return stages.Select(e => Stage(fileName, e.Key, e.Value)).ToList();
    }

    /// <summary>Writes the entries (stages in ordinal order; a stage named twice throws ArgumentException).</summary>
    public static string Serialize(IEnumerable<StageLock> stages)
    {
        ArgumentNullException.ThrowIfNull(stages);
        var byName = new SortedDictionary<string, object?>(StringComparer.Ordinal);
        foreach (var stage in stages)
        {
            var entry = new Dictionary<string, object?>(StringComparer.Ordinal) { ["cmd"] = stage.Cmd };
            Add(entry, "deps", stage.Deps);
            Add(entry, "params", stage.Params);
            Add(entry, "outs", stage.Outs);
            if (!byName.TryAdd(stage.Stage, entry))
            {
                throw new ArgumentException($"Stage '{stage.Stage}' appears twice in the lock entries.", nameof(stages));
            }
        }
        return YamlTree.Emit(new Dictionary<string, object?>(StringComparer.Ordinal) { ["schema"] = Schema, ["stages"] = byName });
    }

    private static void Add(Dictionary<string, object?> entry, string key, IReadOnlyDictionary<string, string> values)
    {
        if (values.Count > 0)
        {
            entry[key] = values.ToDictionary(v => v.Key, v => (object?)v.Value, StringComparer.Ordinal);
        }
    }

    private static StageLock Stage(string fileName, YScalar name, YNode node)
    {
        if (node is not YMap map)
        {
            throw Fail(fileName, node.Line, name.Text, "cmd", "expected a mapping with cmd, deps, params, outs");
        }
        foreach (var (key, _) in map.Entries.Where(e => !StageKeys.Contains(e.Key.Text, StringComparer.Ordinal)))
        {
            throw Fail(fileName, key.Line, name.Text, key.Text, "unknown key; expected cmd, deps, params, outs");
        }
        var cmd = map.Get("cmd") as YScalar is { IsNull: false } text
            ? text.Text
            : throw Fail(fileName, map.Get("cmd")?.Line ?? name.Line, name.Text, "cmd", "is required");
        return new StageLock(name.Text, cmd, Values(fileName, name.Text, map, "deps"), Values(fileName, name.Text, map, "params"), Values(fileName, name.Text, map, "outs"));
    }

    private static SortedDictionary<string, string> Values(string fileName, string stage, YMap map, string key)
    {
        var values = new SortedDictionary<string, string>(StringComparer.Ordinal);
        switch (map.Get(key))
        {
            case null or YScalar { IsNull: true }:
                return values;
            case YMap entries:
                foreach (var (name, value) in entries.Entries)
                {
                    values[name.Text] = value is YScalar scalar
                        ? scalar.Text
                        : throw Fail(fileName, value.Line, stage, key, $"'{name.Text}': expected a single value");
                }
                return values;
            case var other:
                throw Fail(fileName, other.Line, stage, key, "expected a mapping");
        }
    }

    private static KeelException Fail(string fileName, int line, string? stage, string key, string rule) =>
        PipelineFileRules.Fail(fileName, line, stage, key, rule);
}
