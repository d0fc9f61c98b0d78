using System.Globalization;
using Keel.Core.Common;

namespace Keel.Core.Pipelines;

/// <summary>Rules across stages of a parsed pipeline: who writes what, and the graph has no cycle.</summary>
internal static class PipelineFileRules
{
    /// <summary>The error every pipeline rule throws: <c>&lt;file&gt;:&lt;line&gt;: stage '&lt;name&gt;': &lt;key&gt;: &lt;rule&gt;</c>.</summary>
    public static KeelException Fail(string file, int line, string? stage, string key, string rule) =>
        KeelException.InvalidParameter(stage is null ? $"{file}:{line}: {key}: {rule}" : $"{file}:{line}: stage '{stage}': {key}: {rule}");

    public static KeelException Fail(PipelineSpec spec, StageSpec stage, string lineKey, string key, string rule) =>
        Fail(spec.FileName, stage.LineOf(lineKey), stage.Name, key, rule);

    /// <summary>
    /// Throws for: an out listed twice or inside another out of the same stage; an out also written by, or overlapping
    /// an out of, another stage; a dep on the stage's own out; a cycle.
    /// </summary>
    public static void Check(PipelineSpec spec)
    {
        var written = new List<(string Path, StageSpec Stage)>();
        foreach (var stage in spec.Stages)
        {
            var writes = Writes(stage);
            for (var i = 0; i < writes.Count; i++)
            {
                var (path, key, lineKey) = writes[i];
                for (var j = 0; j < i; j++)
                {
                    var earlier = writes[j].Path;
                    if (path == earlier)
                    {
                        throw Fail(spec, stage, lineKey, key, $"'{path}' is listed twice");
                    }
                    if (PipelinePaths.Overlap(path, earlier))
                    {
                        throw Fail(spec, stage, lineKey, key, $"'{path}' overlaps '{earlier}', also written by this stage");
                    }
                }
                foreach (var (other, owner) in written.Where(w => PipelinePaths.Overlap(path, w.Path)))
                {
                    throw Fail(spec, stage, lineKey, key, path == other
                        ? $"'{path}' is also written by stage '{owner.Name}'"
                        : $"'{path}' overlaps '{other}', written by stage '{owner.Name}'");
                }
            }
            for (var d = 0; d < stage.Deps.Count; d++)
            {
                var dep = stage.Deps[d].Path;
                foreach (var (path, _, _) in writes.Where(w => PipelinePaths.Overlap(dep, w.Path)))
                {
                    throw Fail(spec, stage, Index("deps", d), "deps", dep == path
                        ? $"'{dep}' is an out of this stage; a stage cannot depend on its own out"
                        : $"'{dep}' overlaps '{path}', an out of this stage; a stage cannot depend on its own out");
                }
            }
            written.AddRange(writes.Select(w => (w.Path, stage)));
        }
        CheckDatasetPaths(spec, written);
        PipelineGraph.Build(spec);
    }

    // A dataset version is materialised at its path before the stage runs: inside another stage's out it would clobber it.
    private static void CheckDatasetPaths(PipelineSpec spec, List<(string Path, StageSpec Stage)> written)
    {
        foreach (var stage in spec.Stages)
        {
            for (var d = 0; d < stage.Deps.Count; d++)
            {
                var dep = stage.Deps[d];
                foreach (var (path, owner) in written.Where(w => dep.IsDataset && w.Stage != stage && PipelinePaths.Overlap(dep.Path, w.Path)))
                {
                    throw Fail(spec, stage, Index("deps", d), "deps", $"dataset '{dep.Dataset}' goes to '{dep.Path}', which overlaps '{path}', written by stage '{owner.Name}'");
                }
            }
        }
    }

    private static List<(string Path, string Key, string LineKey)> Writes(StageSpec stage) =>
    [
        .. stage.Outs.Select((path, i) => (path, "outs", Index("outs", i))),
        .. stage.Metrics.Select((path, i) => (path, "metrics", Index("metrics", i))),
    ];

    internal static string Index(string key, int i) => string.Create(CultureInfo.InvariantCulture, $"{key}[{i}]");
}
