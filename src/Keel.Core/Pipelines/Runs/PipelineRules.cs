using System.Text.RegularExpressions;
using Keel.Core.Common;

namespace Keel.Core.Pipelines.Runs;

/// <summary>The server's rules for registered pipelines and trigger requests; each broken rule throws INVALID_PARAMETER_VALUE naming the field.</summary>
public static partial class PipelineRules
{
    /// <summary>The largest <c>keel.yaml</c> or <c>params.yaml</c> text accepted [1 MiB].</summary>
    public const int MaxFileChars = 1 << 20;

    /// <summary>The most param overrides one trigger may give.</summary>
    public const int MaxOverrides = 200;

    /// <summary>The most runs one listing returns [default 50, at most 1000].</summary>
    public const int DefaultMaxRuns = 50;

    public const int MaxRuns = 1000;

    /// <summary>Artifact folder of a pipeline's workspace snapshots.</summary>
    public static string WorkspaceFolder(string pipeline) => $"pipelines/{pipeline}";

    /// <summary>Where the snapshot with this SHA-256 (64 lowercase hex) is kept in the artifact store.</summary>
    public static string WorkspacePath(string pipeline, string sha256) => $"{WorkspaceFolder(pipeline)}/workspace-{sha256}.tar.gz";

    /// <summary>Where a stage attempt's log is kept in the artifact store.</summary>
    public static string LogPath(string runId, string stage, int attempt) => $"pipeline-runs/{runId}/{stage}/attempt-{attempt}.log";

    /// <summary>A pipeline name: letters, digits, '_', '.', '-', starting with a letter, digit or '_', at most 128 characters.</summary>
    public static string Name(string? name, string field = "name")
    {
        if (string.IsNullOrEmpty(name))
        {
            throw KeelException.InvalidParameter($"Missing value for required parameter '{field}'.");
        }
        if (!NamePattern().IsMatch(name))
        {
            throw KeelException.InvalidParameter(
                $"Invalid value '{name}' for parameter '{field}': a pipeline name is 1–128 letters, digits, '_', '.' or '-', starting with a letter, digit or '_'.");
        }
        return name;
    }

    /// <summary>A required file text of at most <see cref="MaxFileChars"/> characters.</summary>
    public static string? File(string? text, string field, bool required)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return required ? throw KeelException.InvalidParameter($"Missing value for required parameter '{field}'.") : null;
        }
        return text.Length > MaxFileChars
            ? throw KeelException.InvalidParameter($"Parameter '{field}' is {text.Length} characters; at most {MaxFileChars} are accepted.")
            : text;
    }

    /// <summary>Param overrides: non-empty dotted keys without '=' or spaces, at most <see cref="MaxOverrides"/>.</summary>
    public static IReadOnlyDictionary<string, string> Overrides(IReadOnlyDictionary<string, string?>? overrides)
    {
        if (overrides is null || overrides.Count == 0)
        {
            return new Dictionary<string, string>(StringComparer.Ordinal);
        }
        if (overrides.Count > MaxOverrides)
        {
            throw KeelException.InvalidParameter($"Parameter 'params' has {overrides.Count} entries; at most {MaxOverrides} are accepted.");
        }
        foreach (var (key, value) in overrides)
        {
            if (!ParamKeyPattern().IsMatch(key))
            {
                throw KeelException.InvalidParameter($"Invalid param key '{key}' in parameter 'params': use a dotted key such as 'train.lr'.");
            }
            if (value is null)
            {
                throw KeelException.InvalidParameter($"Param '{key}' in parameter 'params' has no value.");
            }
        }
        return overrides.ToDictionary(p => p.Key, p => p.Value!, StringComparer.Ordinal);
    }

    /// <summary>A workspace path given to register: exactly what the upload returned for this pipeline.</summary>
    public static string? Workspace(string? workspace, string pipeline)
    {
        if (string.IsNullOrEmpty(workspace))
        {
            return null;
        }
        var prefix = WorkspaceFolder(pipeline) + "/workspace-";
        if (!workspace.StartsWith(prefix, StringComparison.Ordinal) || !workspace.EndsWith(".tar.gz", StringComparison.Ordinal)
            || !Sha256Pattern().IsMatch(workspace[prefix.Length..^".tar.gz".Length]))
        {
            throw KeelException.InvalidParameter(
                $"Invalid value '{workspace}' for parameter 'workspace': expected '{prefix}<sha256>.tar.gz' as returned by the workspace upload.");
        }
        return workspace;
    }

    /// <summary>The max_results of a run listing.</summary>
    public static int MaxResults(long? maxResults) => maxResults switch
    {
        null => DefaultMaxRuns,
        < 1 or > MaxRuns => throw KeelException.InvalidParameter($"Invalid value {maxResults} for parameter 'max_results': use 1 to {MaxRuns}."),
        _ => (int)maxResults.Value,
    };

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_.@-]*$")]
    private static partial Regex ParamKeyPattern();

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Sha256Pattern();
}
