using Keel.Core.Pipelines;

namespace Keel.Pipelines.Processes;

/// <summary>How <see cref="StageProcessRunner"/> runs one stage's command.</summary>
public sealed record StageProcessOptions
{
    /// <summary>The command line, run by <c>/bin/sh -c</c> (already interpolated).</summary>
    public required string Command { get; init; }

    /// <summary>Absolute directory the command runs in; it must exist.</summary>
    public required string WorkingDirectory { get; init; }

    /// <summary>Variables added to (or overriding) the inherited environment. Empty by default.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Extra attempts after a failed one (0 = run once). Default 0.</summary>
    public int Retries { get; init; }

    /// <summary>Wait before the first retry, doubled before each further one. Default 1 s.</summary>
    public TimeSpan RetryBackoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>An attempt running longer is killed with its whole process tree and counts as failed; null (default) = no limit.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Options for a stage of a pipeline whose folder is <paramref name="pipelineRoot"/> (the stage's wdir is resolved against it).</summary>
    public static StageProcessOptions ForStage(StageSpec stage, string pipelineRoot)
    {
        ArgumentNullException.ThrowIfNull(stage);
        return new StageProcessOptions
        {
            Command = stage.Cmd,
            WorkingDirectory = Path.GetFullPath(Path.Combine(pipelineRoot, stage.WorkingDirectory)),
            Environment = stage.Env,
            Retries = stage.Retries,
            RetryBackoff = stage.RetryBackoff,
            Timeout = stage.Timeout,
        };
    }
}
