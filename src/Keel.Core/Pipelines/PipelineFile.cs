namespace Keel.Core.Pipelines;

/// <summary>
/// Reads a <c>keel.yaml</c> pipeline file: structure, types, <c>foreach</c>/<c>matrix</c> expansion, paths, cron,
/// triggers, and the stage graph (no cycles, no two stages writing one out). Every error is INVALID_PARAMETER_VALUE
/// with a message <c>&lt;file&gt;:&lt;line&gt;: stage '&lt;name&gt;': &lt;key&gt;: &lt;rule&gt;</c>, so nothing runs from a bad file.
/// <c>${param.key}</c> references are left in place here; <see cref="PipelineLoader"/> resolves them from params.
/// </summary>
public static class PipelineFile
{
    /// <summary>The conventional pipeline file name.</summary>
    public const string DefaultFileName = "keel.yaml";

    /// <summary>Parses and validates <paramref name="yaml"/>.</summary>
    /// <param name="yaml">The file's text.</param>
    /// <param name="fileName">How errors name the file, e.g. <c>keel.yaml</c> or <c>pipelines/churn/keel.yaml</c>.</param>
    /// <param name="defaultName">The pipeline name when the file has no <c>name:</c> (usually the folder's name).</param>
    public static PipelineSpec Parse(string yaml, string fileName, string defaultName) =>
        PipelineFileReader.Read(yaml, fileName, defaultName);
}
