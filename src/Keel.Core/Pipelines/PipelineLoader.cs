namespace Keel.Core.Pipelines;

/// <summary>A parsed pipeline with its params resolved: what <c>keel run</c>, the server and workers execute.</summary>
/// <param name="Spec">The pipeline, with every <c>${param}</c> in cmd, deps, outs, metrics, env and wdir replaced by its value.</param>
/// <param name="Params">The params (file plus overrides) the stages read; <see cref="PipelineParams.ValuesFor"/> gives a stage's lock values.</param>
public sealed record LoadedPipeline(PipelineSpec Spec, PipelineParams Params);

/// <summary>Parses a pipeline file and its params, interpolates params, and checks every stage's params exist.</summary>
public static class PipelineLoader
{
    /// <summary>
    /// Parses <paramref name="pipelineYaml"/> (<see cref="PipelineFile.Parse"/>) and <paramref name="paramsYaml"/>
    /// (<see cref="PipelineParams.Parse"/>, null = no params.yaml), applies <paramref name="overrides"/>
    /// (<c>key=value</c>), resolves <c>${dotted.key}</c> references (each referenced key is added to the stage's
    /// <see cref="StageSpec.Params"/>, so it is part of the fingerprint) and re-validates paths and the graph.
    /// Throws INVALID_PARAMETER_VALUE naming file, line, stage and key for any error.
    /// </summary>
    public static LoadedPipeline Load(string pipelineYaml, string? paramsYaml, IEnumerable<string> overrides, string fileName, string defaultName)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        var spec = PipelineFile.Parse(pipelineYaml, fileName, defaultName);
        var folder = fileName.LastIndexOf('/') is var slash and >= 0 ? fileName[..(slash + 1)] : "";
        var parameters = PipelineParams.Parse(paramsYaml, folder + "params.yaml").WithOverrides(overrides);
        var resolved = spec with { Stages = spec.Stages.Select(s => Resolve(spec, s, parameters)).ToList() };
        PipelineFileRules.Check(resolved);
        foreach (var stage in resolved.Stages)
        {
            parameters.ValuesFor(stage, fileName);
        }
        return new LoadedPipeline(resolved, parameters);
    }

    private static StageSpec Resolve(PipelineSpec spec, StageSpec stage, PipelineParams parameters)
    {
        var used = new List<string>();
        string Text(string text, string lineKey, string key) =>
            parameters.Interpolate(text, $"{spec.FileName}:{stage.LineOf(lineKey)}: stage '{stage.Name}': {key}", used);
        string PathOf(string text, string lineKey, string key)
        {
            var path = PipelinePaths.Normalize(Text(text, lineKey, key), out var error);
            return path is null ? throw PipelineFileRules.Fail(spec, stage, lineKey, key, error!)
                : path == "." && key != "wdir" ? throw PipelineFileRules.Fail(spec, stage, lineKey, key, "cannot be the pipeline folder itself")
                : path;
        }

        var cmd = Text(stage.Cmd, "cmd", "cmd");
        var deps = stage.Deps.Select((d, i) => new StageDep(
            PathOf(d.Path, PipelineFileRules.Index("deps", i), "deps"),
            d.Dataset is null ? null : Text(d.Dataset, PipelineFileRules.Index("deps", i), "deps"),
            d.Version)).ToList();
        var outs = stage.Outs.Select((o, i) => PathOf(o, PipelineFileRules.Index("outs", i), "outs")).ToList();
        var metrics = stage.Metrics.Select((m, i) => PathOf(m, PipelineFileRules.Index("metrics", i), "metrics")).ToList();
        var env = stage.Env.ToDictionary(e => e.Key, e => Text(e.Value, "env", $"env.{e.Key}"), StringComparer.Ordinal);
        var wdir = PathOf(stage.WorkingDirectory, "wdir", "wdir");
        return stage with
        {
            Cmd = cmd,
            Deps = deps,
            Outs = outs,
            Metrics = metrics,
            Env = env,
            WorkingDirectory = wdir,
            Params = [.. stage.Params, .. used.Where(u => !stage.Params.Contains(u, StringComparer.Ordinal))],
        };
    }
}
