namespace Keel.Web.Pages.RunDetails;

/// <summary>What an artifact's name says about how it may be shown.</summary>
internal static class ArtifactKinds
{
    private static readonly Dictionary<string, string> ImageTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".png"] = "image/png",
        [".jpg"] = "image/jpeg",
        [".jpeg"] = "image/jpeg",
        [".gif"] = "image/gif",
        [".webp"] = "image/webp",
        [".bmp"] = "image/bmp",
    };

    // Documents a browser would run scripts in: never previewed, always downloaded.
    private static readonly HashSet<string> ActiveContent = new(StringComparer.OrdinalIgnoreCase)
    {
        ".html", ".htm", ".xhtml", ".svg", ".svgz", ".xml", ".xsl", ".js", ".mjs", ".pdf", ".swf",
    };

    private static readonly HashSet<string> TextExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        "", ".txt", ".log", ".json", ".yaml", ".yml", ".md", ".py", ".cs", ".r", ".sql", ".toml", ".ini", ".cfg", ".conf",
        ".properties", ".sh", ".ipynb", ".jsonl", ".out", ".err", ".lock", ".gitignore", ".dockerfile",
    };

    /// <summary>The image content type for an image file name, else null.</summary>
    public static string? ImageContentType(string name) => ImageTypes.GetValueOrDefault(Path.GetExtension(name));

    public static bool IsActiveContent(string name) => ActiveContent.Contains(Path.GetExtension(name));

    public static bool IsTable(string name) => Path.GetExtension(name).ToUpperInvariant() is ".CSV" or ".TSV";

    public static bool IsText(string name) => TextExtensions.Contains(Path.GetExtension(name));
}
