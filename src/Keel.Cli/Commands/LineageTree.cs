using Keel.Cli.Output;
using Keel.Contracts.KeelApi;
using Spectre.Console;

namespace Keel.Cli.Commands;

/// <summary>A model version's lineage as a Spectre tree: version → run → params, metrics and datasets.</summary>
internal static class LineageTree
{
    public static Tree Build(ModelVersionLineageResponse lineage, TimeProvider time)
    {
        var version = lineage.ModelVersion;
        var tree = new Tree(Join(
            $"[bold]{Markup.Escape(version.Name)}[/] version [bold]{Markup.Escape(version.Version)}[/]",
            Markup.Escape(version.CurrentStage),
            version.Aliases.Count > 0 ? "@" + Markup.Escape(string.Join(", @", version.Aliases.Order(StringComparer.Ordinal))) : null,
            Markup.Escape(version.Status)));
        tree.AddNode($"source {Markup.Escape(version.Source)}");
        tree.AddNode($"registered {Format.Timestamp(version.CreationTimestamp, time)}");

        if (lineage.Run is not { } run)
        {
            tree.AddNode("[dim]registered without a run: no params, metrics or datasets recorded[/]");
            return tree;
        }

        var runNode = tree.AddNode(Join(
            $"run [bold]{Markup.Escape(run.RunName ?? "")}[/] {Markup.Escape(run.RunId)}",
            Markup.Escape(run.Status),
            $"experiment {Markup.Escape(run.ExperimentName ?? run.ExperimentId)}",
            run.GitCommit is { Length: > 0 } commit ? $"git {Markup.Escape(commit)}" : "[dim]no git commit[/]"));
        if (run.SourceName is { Length: > 0 } sourceName)
        {
            runNode.AddNode($"code {Markup.Escape(sourceName)}" + (run.SourceType is { Length: > 0 } type ? $" ({Markup.Escape(type)})" : ""));
        }

        runNode.AddNode($"started {Format.Timestamp(run.StartTime, time)}, ran {Format.RunDuration(run.StartTime, run.EndTime, time)}");
        Section(runNode, "params", run.Params.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{Markup.Escape(p.Key)} = {Markup.Escape(p.Value)}"));
        Section(runNode, "metrics", run.Metrics.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => $"{Markup.Escape(m.Key)} = {Format.Number(m.Value)}"));
        Section(runNode, "datasets", run.Datasets.Select(d => Join(
            $"[bold]{Markup.Escape(d.Name)}[/]",
            $"digest {Markup.Escape(d.Digest)}",
            d.Context is { Length: > 0 } context ? Markup.Escape(context) : null,
            $"{Markup.Escape(d.SourceType)} {Markup.Escape(d.Source)}",
            DatasetVersion(d.DatasetVersion))));
        return tree;
    }

    /// <summary>The registered dataset version a run input's digest names, as "→ dataset name version N · size · rows".</summary>
    private static string? DatasetVersion(LineageDatasetVersionDto? version) =>
        version is null
            ? null
            : Join(
                $"→ dataset [bold]{Markup.Escape(version.Name)}[/] version [bold]{Format.Integer(version.Version)}[/]",
                $"{Format.Bytes(version.Size)} in {Format.Integer(version.FileCount)} file{(version.FileCount == 1 ? "" : "s")}",
                version.RowCount is { } rows ? $"{Format.Integer(rows)} rows" : null);

    private static void Section(TreeNode parent, string title, IEnumerable<string> entries)
    {
        var list = entries.ToList();
        if (list.Count == 0)
        {
            parent.AddNode($"{title}: [dim]none[/]");
            return;
        }

        parent.AddNode($"[bold]{title}[/]").AddNodes(list);
    }

    /// <summary>The parts that are present, separated by " · ".</summary>
    private static string Join(params string?[] parts) => string.Join(" · ", parts.Where(p => !string.IsNullOrEmpty(p)));
}
