namespace Keel.Core.Pipelines.Runs;

/// <summary>
/// Turns a registered pipeline (plus a run's param overrides) into the stages and graph the server and workers execute,
/// so both read a run's pipeline the same way.
/// </summary>
public static class RegisteredPipelines
{
    /// <summary>Parses the pipeline with its params and the overrides (key → value, applied as <c>key=value</c>).</summary>
    /// <exception cref="Common.KeelException">INVALID_PARAMETER_VALUE naming file, line, stage and key (from <see cref="PipelineLoader"/>).</exception>
    public static LoadedPipeline Load(RegisteredPipeline pipeline, IReadOnlyDictionary<string, string> overrides)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(overrides);
        return PipelineLoader.Load(pipeline.PipelineYaml, pipeline.ParamsYaml, Assignments(overrides), PipelineFile.DefaultFileName, pipeline.Name);
    }

    /// <summary>The graph of <see cref="Load"/>'s pipeline.</summary>
    public static PipelineGraph Graph(RegisteredPipeline pipeline, IReadOnlyDictionary<string, string> overrides) =>
        PipelineGraph.Build(Load(pipeline, overrides).Spec);

    /// <summary>Overrides as the loader's <c>key=value</c> assignments, in key order.</summary>
    public static IReadOnlyList<string> Assignments(IReadOnlyDictionary<string, string> overrides)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        return [.. overrides.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}")];
    }
}
