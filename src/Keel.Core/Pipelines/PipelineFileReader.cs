using System.Globalization;
using System.Text.RegularExpressions;
using Keel.Core.Common;

namespace Keel.Core.Pipelines;

/// <summary>Turns the YAML of a keel.yaml into a validated <see cref="PipelineSpec"/> (see <see cref="PipelineFile"/>).</summary>
internal sealed partial class PipelineFileReader(string file)
{
    private static readonly string[] TopKeys = ["name", "schedule", "triggers", "stages"];
    private static readonly string[] BodyKeys = ["cmd", "deps", "params", "outs", "metrics", "retries", "retry_backoff", "timeout", "env", "wdir", "desc"];
    private static readonly string[] DatasetDepKeys = ["dataset", "version", "path"];
    private static readonly TimeSpan DefaultBackoff = TimeSpan.FromSeconds(1);
    private const int MaxRetries = 100;

    public static PipelineSpec Read(string yaml, string fileName, string defaultName)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentNullException.ThrowIfNull(fileName);
        ArgumentNullException.ThrowIfNull(defaultName);
        var spec = new PipelineFileReader(fileName).ReadSpec(yaml, defaultName);
        PipelineFileRules.Check(spec);
        return spec;
    }

    private PipelineSpec ReadSpec(string yaml, string defaultName)
    {
        var root = YamlDoc.Load(yaml, file) switch
        {
            null => throw Fail(1, null, "stages", "the file is empty; expected a mapping with stages"),
            YMap map => map,
            var other => throw Fail(other.Line, null, "stages", "the file must be a mapping with name, schedule, triggers and stages"),
        };
        Keys(root, TopKeys, null, "expected name, schedule, triggers, stages");
        var name = PipelineName(root, defaultName);
        string? schedule = null;
        if (Scalar(root, "schedule", null) is { } cron)
        {
            schedule = cron.Text.Trim();
            if (CronShape.Error(schedule) is { } rule)
            {
                throw Fail(cron.Line, null, "schedule", rule);
            }
        }
        var stagesNode = root.Get("stages") ?? throw Fail(root.Line, null, "stages", "is required");
        if (stagesNode is not YMap stagesMap || stagesMap.Entries.Count == 0)
        {
            throw Fail(stagesNode.Line, null, "stages", "expected a mapping of stage name to stage");
        }
        var stages = new List<StageSpec>();
        foreach (var (key, body) in stagesMap.Entries)
        {
            stages.AddRange(Stage(key, body));
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var stage in stages.Where(s => !seen.Add(s.Name)))
        {
            throw Fail(stage.Line, stage.Name, "stages", "two stages have this name after foreach/matrix expansion");
        }
        return new PipelineSpec(name, stages, schedule, Triggers(root)) { FileName = file };
    }

    private string PipelineName(YMap root, string defaultName)
    {
        var node = Scalar(root, "name", null);
        var name = node?.Text.Trim() ?? defaultName;
        if (!PipelineNameShape().IsMatch(name))
        {
            throw node is null
                ? Fail(1, null, "name", $"the folder name '{defaultName}' is not a valid pipeline name; set name: in the file")
                : Fail(node.Line, null, "name", $"'{name}' is not a valid pipeline name (letters, digits, '_', '.', '-', starting with a letter or digit)");
        }
        return name;
    }

    private List<PipelineTrigger> Triggers(YMap root)
    {
        var triggers = new List<PipelineTrigger>();
        var items = Seq(root, "triggers", null);
        for (var i = 0; i < items.Count; i++)
        {
            var key = Index("triggers", i);
            if (items[i] is not YMap { Entries.Count: 1 } map)
            {
                throw Fail(items[i].Line, null, key, "expected one of {dataset: <name>} or {monitor: <name>}");
            }
            var (kindKey, value) = map.Entries[0];
            var kind = kindKey.Text switch
            {
                "dataset" => PipelineTriggerKind.DatasetVersion,
                "monitor" => PipelineTriggerKind.MonitorAlert,
                _ => throw Fail(kindKey.Line, null, key, $"unknown trigger '{kindKey.Text}'; expected dataset or monitor"),
            };
            if (value is not YScalar { IsNull: false } target || string.IsNullOrWhiteSpace(target.Text))
            {
                throw Fail(value.Line, null, key, $"{kindKey.Text}: expected the name of a {kindKey.Text}");
            }
            var trigger = new PipelineTrigger(kind, target.Text.Trim());
            if (triggers.Contains(trigger))
            {
                throw Fail(value.Line, null, key, $"{kindKey.Text} '{trigger.Target}' is listed twice");
            }
            triggers.Add(trigger);
        }
        return triggers;
    }

    private List<StageSpec> Stage(YScalar key, YNode node)
    {
        var name = key.Text;
        if (!StageNameShape().IsMatch(name))
        {
            throw Fail(key.Line, name, "stages",
                "is not a valid stage name (letters, digits, '_', '.', '-', starting with a letter, digit or '_'; '@' is added by foreach)");
        }
        if (node is not YMap body)
        {
            throw Fail(node.Line, name, "stages", "expected a mapping with cmd, deps, outs…");
        }
        if (body.Get("foreach") is { } items)
        {
            Keys(body, ["foreach", "do", "desc"], name, "with foreach, put the stage's keys under do");
            var template = body.Get("do") as YMap ?? throw Fail(body.KeyOf("do")?.Line ?? key.Line, name, "do", "is required with foreach: a mapping with cmd, deps, outs…");
            return Foreach(name, key.Line, items).Select(b => Build($"{name}@{b.Suffix}", key.Line, template, b)).ToList();
        }
        if (body.Get("matrix") is { } matrix)
        {
            Keys(body, [.. BodyKeys, "matrix"], name, "expected matrix with cmd, deps, params, outs, metrics, retries, retry_backoff, timeout, env, wdir");
            return Matrix(name, matrix).Select(b => Build($"{name}@{b.Suffix}", key.Line, body, b)).ToList();
        }
        if (body.Get("do") is not null)
        {
            throw Fail(body.KeyOf("do")!.Line, name, "do", "is only allowed with foreach");
        }
        return [Build(name, key.Line, body, null)];
    }

    private IEnumerable<Binding> Foreach(string stage, int line, YNode items)
    {
        switch (items)
        {
            case YSeq { Items.Count: > 0 } seq when seq.Items.All(i => i is YScalar { IsNull: false }):
                return seq.Items.Cast<YScalar>().Select(i => new Binding(Suffix(stage, i.Text, i.Line, "foreach"), i, null));
            case YSeq { Items.Count: > 0 } seq:
                return seq.Items.Select((item, i) => new Binding(i.ToString(CultureInfo.InvariantCulture), item, null));
            case YMap { Entries.Count: > 0 } map:
                return map.Entries.Select(e => new Binding(Suffix(stage, e.Key.Text, e.Key.Line, "foreach"), e.Value, e.Key.Text));
            default:
                throw Fail(items is YScalar { IsNull: true } ? line : items.Line, stage, "foreach", "expected a non-empty list or mapping");
        }
    }

    private IEnumerable<Binding> Matrix(string stage, YNode node)
    {
        if (node is not YMap { Entries.Count: > 0 } matrix)
        {
            throw Fail(node.Line, stage, "matrix", "expected a mapping of name to a list of values, e.g. {lr: [0.01, 0.1], depth: [3, 5]}");
        }
        IEnumerable<List<(YScalar Key, YScalar Value)>> combos = [[]];
        foreach (var (key, values) in matrix.Entries)
        {
            if (values is not YSeq { Items.Count: > 0 } seq || seq.Items.Any(v => v is not YScalar { IsNull: false }))
            {
                throw Fail(values.Line, stage, $"matrix.{key.Text}", "expected a non-empty list of values");
            }
            var axis = seq.Items.Cast<YScalar>().ToList();
            foreach (var value in axis)
            {
                Suffix(stage, value.Text, value.Line, $"matrix.{key.Text}");
            }
            combos = combos.SelectMany(c => axis.Select(v => new List<(YScalar, YScalar)>(c) { (key, v) })).ToList();
        }
        return combos.Select(c => new Binding(
            string.Join('-', c.Select(p => p.Value.Text)),
            new YMap(node.Line, c.Select(p => new KeyValuePair<YScalar, YNode>(p.Key, p.Value)).ToList()),
            null));
    }

    private string Suffix(string stage, string text, int line, string key) =>
        SuffixShape().IsMatch(text)
            ? text
            : throw Fail(line, stage, key,
                $"'{text}' cannot be part of a stage name (letters, digits, '_', '.', '+', '-'); use a mapping with such keys, or a list of mappings (named by index)");

    private StageSpec Build(string name, int line, YMap body, Binding? binding)
    {
        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        Keys(body, binding is null || body.Get("matrix") is null ? BodyKeys : [.. BodyKeys, "matrix"], name,
            "expected cmd, deps, params, outs, metrics, retries, retry_backoff, timeout, env, wdir");
        foreach (var (key, _) in body.Entries)
        {
            lines[key.Text] = key.Line;
        }
        var scope = new Scope(this, name, binding);
        var deps = Seq(body, "deps", name).Select((item, i) => Dep(scope, item, i, lines)).ToList();
        var outs = Paths(scope, body, "outs", lines);
        var metrics = Paths(scope, body, "metrics", lines);
        var parameters = Seq(body, "params", name).Select((item, i) =>
        {
            lines[Index("params", i)] = item.Line;
            var key = scope.Expand(Text(item, name, "params", "expected a dotted params key such as train.lr"), item.Line, "params");
            return ParamKeyShape().IsMatch(key) ? key : throw Fail(item.Line, name, "params", $"'{key}' is not a dotted params key such as train.lr");
        }).ToList();
        var repeated = parameters.GroupBy(p => p, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null)
        {
            throw Fail(lines["params"], name, "params", $"'{repeated.Key}' is listed twice");
        }
        var wdirNode = Scalar(body, "wdir", name);
        var wdir = wdirNode is null ? "." : Path(scope, wdirNode, "wdir");
        return new StageSpec(
            name,
            Cmd(scope, body, line),
            wdir,
            deps,
            parameters,
            outs,
            metrics,
            Retries(body, name),
            Duration(body, "retry_backoff", name) ?? DefaultBackoff,
            Duration(body, "timeout", name),
            Env(scope, body),
            line)
        {
            KeyLines = lines,
        };
    }

    private string Cmd(Scope scope, YMap body, int line)
    {
        var node = body.Get("cmd");
        var cmd = node switch
        {
            null or YScalar { IsNull: true } => throw Fail(line, scope.Stage, "cmd", "is required"),
            YScalar scalar => scalar.Text,
            YSeq { Items.Count: > 0 } seq when seq.Items.All(i => i is YScalar { IsNull: false }) =>
                string.Join(" && ", seq.Items.Cast<YScalar>().Select(i => i.Text)),
            _ => throw Fail(node.Line, scope.Stage, "cmd", "expected a command (text) or a list of commands"),
        };
        return string.IsNullOrWhiteSpace(cmd) ? throw Fail(node.Line, scope.Stage, "cmd", "is empty") : scope.Expand(cmd, node.Line, "cmd");
    }

    private StageDep Dep(Scope scope, YNode item, int index, Dictionary<string, int> lines)
    {
        lines[Index("deps", index)] = item.Line;
        if (item is not YMap map)
        {
            return new StageDep(Path(scope, item, "deps"));
        }
        Keys(map, DatasetDepKeys, scope.Stage, "a dataset dep has dataset, version and path", "deps");
        var dataset = Scalar(map, "dataset", scope.Stage) is { } name
            ? scope.Expand(name.Text, name.Line, "deps").Trim()
            : throw Fail(map.Line, scope.Stage, "deps", "a mapping dep needs dataset: <name> (and path:, optionally version:)");
        var pathNode = map.Get("path") ?? throw Fail(map.Line, scope.Stage, "deps", $"dataset '{dataset}' needs path: where to put its files");
        long? version = null;
        if (map.Get("version") is YScalar { IsNull: false } versionNode)
        {
            var text = scope.Expand(versionNode.Text, versionNode.Line, "deps");
            version = long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v >= 1
                ? v
                : throw Fail(versionNode.Line, scope.Stage, "deps", $"version '{text}' of dataset '{dataset}' must be a whole number from 1");
        }
        return new StageDep(Path(scope, pathNode, "deps"), dataset, version);
    }

    private List<string> Paths(Scope scope, YMap body, string key, Dictionary<string, int> lines) =>
        Seq(body, key, scope.Stage).Select((item, i) =>
        {
            lines[Index(key, i)] = item.Line;
            var path = Path(scope, item, key);
            return path == "." ? throw Fail(item.Line, scope.Stage, key, "cannot be the pipeline folder itself") : path;
        }).ToList();

    private string Path(Scope scope, YNode node, string key)
    {
        var text = scope.Expand(Text(node, scope.Stage, key, "expected a path relative to the pipeline folder"), node.Line, key);
        return PipelinePaths.Normalize(text, out var error) ?? throw Fail(node.Line, scope.Stage, key, error!);
    }

    private int Retries(YMap body, string stage)
    {
        if (Scalar(body, "retries", stage) is not { } node)
        {
            return 0;
        }
        return node.Value switch
        {
            long n when n < 0 => throw Fail(node.Line, stage, "retries", $"{n} is negative; expected 0 or more extra attempts"),
            long n when n > MaxRetries => throw Fail(node.Line, stage, "retries", $"{n} is more than {MaxRetries}"),
            long n => (int)n,
            _ => throw Fail(node.Line, stage, "retries", $"'{node.Text}' is not a whole number"),
        };
    }

    private TimeSpan? Duration(YMap body, string key, string stage)
    {
        if (Scalar(body, key, stage) is not { } node)
        {
            return null;
        }
        var duration = PipelineDuration.Parse(node.Text) ?? throw Fail(node.Line, stage, key, $"'{node.Text}': {PipelineDuration.Expected}");
        return duration > TimeSpan.Zero ? duration : throw Fail(node.Line, stage, key, "must be longer than 0");
    }

    private Dictionary<string, string> Env(Scope scope, YMap body)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        switch (body.Get("env"))
        {
            case null or YScalar { IsNull: true }:
                return env;
            case YMap map:
                foreach (var (key, value) in map.Entries)
                {
                    if (!EnvNameShape().IsMatch(key.Text))
                    {
                        throw Fail(key.Line, scope.Stage, "env", $"'{key.Text}' is not an environment variable name (letters, digits, '_')");
                    }
                    env[key.Text] = scope.Expand(Text(value, scope.Stage, $"env.{key.Text}", "expected text"), value.Line, $"env.{key.Text}");
                }
                return env;
            case var other:
                throw Fail(other.Line, scope.Stage, "env", "expected a mapping of variable name to value");
        }
    }

    private void Keys(YMap map, string[] allowed, string? stage, string expected, string? under = null)
    {
        foreach (var (key, _) in map.Entries.Where(e => !allowed.Contains(e.Key.Text, StringComparer.Ordinal)))
        {
            throw Fail(key.Line, stage, under ?? key.Text, under is null ? $"unknown key; {expected}" : $"unknown key '{key.Text}'; {expected}");
        }
    }

    private YScalar? Scalar(YMap map, string key, string? stage) =>
        map.Get(key) switch
        {
            null or YScalar { IsNull: true } => null,
            YScalar scalar => scalar,
            var other => throw Fail(other.Line, stage, key, "expected a single value, not a list or mapping"),
        };

    private IReadOnlyList<YNode> Seq(YMap map, string key, string? stage) =>
        map.Get(key) switch
        {
            null or YScalar { IsNull: true } => [],
            YSeq seq => seq.Items,
            var other => throw Fail(other.Line, stage, key, "expected a list"),
        };

    private string Text(YNode node, string? stage, string key, string expected) =>
        node is YScalar { IsNull: false } scalar ? scalar.Text : throw Fail(node.Line, stage, key, expected);

    private static string Index(string key, int i) => string.Create(CultureInfo.InvariantCulture, $"{key}[{i}]");

    internal KeelException Fail(int line, string? stage, string key, string rule) => PipelineFileRules.Fail(file, line, stage, key, rule);

    /// <summary>One expansion of a foreach/matrix template: its name suffix and what <c>${item}</c> and <c>${key}</c> stand for.</summary>
    private sealed record Binding(string Suffix, YNode Item, string? Key);

    /// <summary>Replaces <c>${item}</c>, <c>${item.field}</c> and <c>${key}</c> in one stage's values; other <c>${…}</c> are params, left for the loader.</summary>
    private sealed class Scope(PipelineFileReader reader, string stage, Binding? binding)
    {
        public string Stage => stage;

        public string Expand(string text, int line, string key) =>
            Reference().Replace(text, match =>
            {
                var name = match.Groups["name"].Value;
                if (match.Groups["escape"].Success || (name != "item" && name != "key" && !name.StartsWith("item.", StringComparison.Ordinal)))
                {
                    return match.Value;
                }
                if (binding is null)
                {
                    throw reader.Fail(line, stage, key, $"${{{name}}} is only defined in a foreach or matrix stage");
                }
                if (name == "key")
                {
                    return binding.Key ?? throw reader.Fail(line, stage, key, "${key} is only defined when foreach is a mapping");
                }
                YNode node = binding.Item;
                foreach (var field in name.Split('.').Skip(1))
                {
                    node = node switch
                    {
                        YMap map => map.Get(field) ?? throw reader.Fail(line, stage, key, $"${{{name}}}: the item has no field '{field}'"),
                        YSeq seq when int.TryParse(field, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < seq.Items.Count => seq.Items[i],
                        _ => throw reader.Fail(line, stage, key, $"${{{name}}}: the item has no field '{field}'"),
                    };
                }
                return node is YScalar scalar
                    ? (scalar.IsNull ? "" : scalar.Text)
                    : throw reader.Fail(line, stage, key, $"${{{name}}} is a {(node is YMap ? "mapping" : "list")}; name one of its fields, e.g. ${{{name}.<field>}}");
            });
    }

    [GeneratedRegex(@"(?<escape>\\)?\$\{\s*(?<name>[^{}\s]+)\s*\}", RegexOptions.CultureInvariant)]
    internal static partial Regex Reference();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$", RegexOptions.CultureInvariant)]
    private static partial Regex PipelineNameShape();

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$", RegexOptions.CultureInvariant)]
    private static partial Regex StageNameShape();

    [GeneratedRegex(@"^[A-Za-z0-9_.+-]{1,100}$", RegexOptions.CultureInvariant)]
    private static partial Regex SuffixShape();

    [GeneratedRegex(@"^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*$", RegexOptions.CultureInvariant)]
    internal static partial Regex ParamKeyShape();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex EnvNameShape();
}
