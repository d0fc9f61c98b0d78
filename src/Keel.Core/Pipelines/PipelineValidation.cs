namespace Keel.Core.Pipelines;

/// <summary>Checks of a parsed pipeline against the world outside the file.</summary>
public static class PipelineValidation
{
    /// <summary>
    /// Throws INVALID_PARAMETER_VALUE <c>keel.yaml:&lt;line&gt;: stage 'x': deps: 'data/raw.csv' does not exist and no stage writes it</c>
    /// for the first path dep that no stage writes (no out is, contains or lies inside it) and for which
    /// <paramref name="pathExists"/> (given the '/'-separated path relative to the pipeline folder) is false.
    /// Dataset deps are not checked here.
    /// </summary>
    public static void CheckDepsExist(PipelineSpec spec, Func<string, bool> pathExists)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(pathExists);
        var writes = spec.Stages.SelectMany(s => s.Writes).ToList();
        foreach (var stage in spec.Stages)
        {
            for (var i = 0; i < stage.Deps.Count; i++)
            {
                var dep = stage.Deps[i];
                if (!dep.IsDataset && !writes.Exists(w => PipelinePaths.Overlap(dep.Path, w)) && !pathExists(dep.Path))
                {
                    throw PipelineFileRules.Fail(spec, stage, PipelineFileRules.Index("deps", i), "deps", $"'{dep.Path}' does not exist and no stage writes it");
                }
            }
        }
    }
}
