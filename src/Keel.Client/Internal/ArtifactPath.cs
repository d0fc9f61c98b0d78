namespace Keel.Client.Internal;

/// <summary>Artifact paths: '/'-separated, relative, and never climbing out of a run's artifact root.</summary>
internal static class ArtifactPath
{
    private const string ProxyScheme = "mlflow-artifacts:";

    /// <summary>
    /// The proxy path of a run's <c>artifact_uri</c>: <c>mlflow-artifacts:/0/abc/artifacts</c> → <c>0/abc/artifacts</c>
    /// (an authority, as in <c>mlflow-artifacts://host:5000/0/abc/artifacts</c>, names the tracking server itself).
    /// </summary>
    public static string ProxyRoot(string? artifactUri)
    {
        if (artifactUri is null || !artifactUri.StartsWith(ProxyScheme, StringComparison.OrdinalIgnoreCase))
        {
            throw new NotSupportedException(
                $"The run's artifact location '{artifactUri}' is not served by the tracking server's artifact proxy "
                + "(an 'mlflow-artifacts:' URI); start the server with proxied artifact storage.");
        }
        var rest = artifactUri[ProxyScheme.Length..];
        if (rest.StartsWith("//", StringComparison.Ordinal))
        {
            rest = rest[2..];
            var slash = rest.IndexOf('/', StringComparison.Ordinal);
            rest = slash < 0 ? string.Empty : rest[slash..];
        }
        return Normalize(rest, nameof(artifactUri));
    }

    /// <summary>
    /// A relative artifact path with '/' separators and no empty, '.' or '..' segments; null or "" stays "".
    /// Backslashes count as separators so Windows-style input behaves.
    /// </summary>
    public static string Normalize(string? path, string parameterName)
    {
        if (string.IsNullOrEmpty(path))
        {
            return string.Empty;
        }
        var segments = path.Split(['/', '\\'], StringSplitOptions.RemoveEmptyEntries);
        foreach (var segment in segments)
        {
            if (segment is "." or "..")
            {
                throw new ArgumentException($"The artifact path '{path}' must not contain '.' or '..' segments.", parameterName);
            }
        }
        return string.Join('/', segments);
    }

    public static string Combine(params ReadOnlySpan<string> parts)
    {
        var builder = new System.Text.StringBuilder();
        foreach (var part in parts)
        {
            if (part.Length == 0)
            {
                continue;
            }
            if (builder.Length > 0)
            {
                builder.Append('/');
            }
            builder.Append(part);
        }
        return builder.ToString();
    }

    /// <summary>Escapes each segment of a normalized path for use in a URI path.</summary>
    public static string Escape(string path) =>
        string.Join('/', path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.EscapeDataString));

    /// <summary>The last segment of a path as a server listed it.</summary>
    public static string Name(string listedPath)
    {
        var trimmed = listedPath.TrimEnd('/');
        var slash = trimmed.LastIndexOf('/');
        return slash < 0 ? trimmed : trimmed[(slash + 1)..];
    }

    /// <summary>
    /// The local file for an artifact path under <paramref name="root"/>; refuses a listed name that would
    /// land outside it.
    /// </summary>
    public static string LocalPath(string root, string relativeArtifactPath)
    {
        var fullRoot = Path.GetFullPath(root);
        var combined = Path.GetFullPath(Path.Combine(fullRoot, relativeArtifactPath.Replace('/', Path.DirectorySeparatorChar)));
        var rootWithSeparator = Path.EndsInDirectorySeparator(fullRoot) ? fullRoot : fullRoot + Path.DirectorySeparatorChar;
        if (!combined.StartsWith(rootWithSeparator, StringComparison.Ordinal) && combined != fullRoot)
        {
            throw new InvalidDataException($"The artifact path '{relativeArtifactPath}' resolves outside '{fullRoot}'.");
        }
        return combined;
    }
}
