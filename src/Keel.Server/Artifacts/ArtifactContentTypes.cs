using Microsoft.AspNetCore.StaticFiles;

namespace Keel.Server.Artifacts;

/// <summary>
/// The content type of a downloaded artifact, guessed as MLflow does: known text formats (and the
/// extensionless <c>MLmodel</c>/<c>MLproject</c>) as text/plain, then by extension, else octet-stream.
/// </summary>
internal static class ArtifactContentTypes
{
    private const string Binary = "application/octet-stream";

    private static readonly HashSet<string> TextExtensions = new(StringComparer.Ordinal)
    {
        "txt", "log", "err", "cfg", "conf", "cnf", "cf", "ini", "properties", "prop", "hocon", "toml", "yaml", "yml",
        "xml", "json", "js", "py", "py3", "csv", "tsv", "md", "rst", "MLmodel", "MLproject",
    };

    private static readonly FileExtensionContentTypeProvider ByExtension = new();

    public static string For(string fileName)
    {
        var dot = fileName.LastIndexOf('.');
        // Like Python's splitext, a leading dot (".env") is part of the name, not an extension.
        var extension = dot > 0 ? fileName[(dot + 1)..] : fileName;
        if (TextExtensions.Contains(extension))
        {
            return "text/plain";
        }
        return ByExtension.TryGetContentType(fileName, out var contentType) ? contentType : Binary;
    }
}
