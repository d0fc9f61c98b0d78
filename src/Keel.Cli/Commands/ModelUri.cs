namespace Keel.Cli.Commands;

/// <summary>
/// The model URIs the CLI accepts. Only the shape is checked here, so a typo is a usage error that names the
/// rule before any call; which model, run or file it points at is the server's to resolve.
/// </summary>
internal static class ModelUri
{
    public const string ModelsScheme = "models:/";
    public const string RunsScheme = "runs:/";
    public const string ArtifactsScheme = "mlflow-artifacts:/";

    private const string RegistryRule = "models:/<name>/<version>, models:/<name>/<stage> or models:/<name>@<alias>";
    private const string SourceRule = "runs:/<run-id>/<path> or mlflow-artifacts:/<path>";

    /// <summary>Any URI a model can be fetched from: a registry reference or an artifact source.</summary>
    public static string RequireAny(string uri) =>
        IsRegistryShape(uri) || IsSourceShape(uri) ? uri : throw Malformed(uri, $"{RegistryRule}, {SourceRule}");

    /// <summary>A registry reference, which names exactly one model version.</summary>
    public static string RequireRegistry(string uri) =>
        IsRegistryShape(uri) ? uri : throw Malformed(uri, RegistryRule);

    /// <summary>Where a new version's files are: inside Keel's artifact store, as the server requires.</summary>
    public static string RequireSource(string uri) =>
        IsSourceShape(uri) ? uri : throw Malformed(uri, SourceRule);

    private static bool IsRegistryShape(string uri)
    {
        if (!uri.StartsWith(ModelsScheme, StringComparison.Ordinal))
        {
            return false;
        }

        var reference = uri[ModelsScheme.Length..];
        var at = reference.IndexOf('@', StringComparison.Ordinal);
        var parts = at >= 0 ? [reference[..at], reference[(at + 1)..]] : reference.Split('/');
        return parts.Length == 2 && parts.All(p => p.Length > 0 && !p.Contains('/', StringComparison.Ordinal) && !p.Contains('@', StringComparison.Ordinal));
    }

    private static bool IsSourceShape(string uri)
    {
        if (uri.StartsWith(RunsScheme, StringComparison.Ordinal))
        {
            // The run id; the path after it may be empty (the run's whole artifact root).
            return uri[RunsScheme.Length..].Split('/')[0].Length > 0;
        }

        return uri.StartsWith(ArtifactsScheme, StringComparison.Ordinal) && uri.Length > ArtifactsScheme.Length && uri[ArtifactsScheme.Length] != '/';
    }

    private static CliException Malformed(string uri, string rule) =>
        new($"invalid model URI '{uri}': expected {rule}", ExitCodes.Usage);
}
