using System.Text;
using Keel.Core.Artifacts;

namespace Keel.Web.Pages.RunDetails;

/// <summary>Builds an artifact's preview from at most <see cref="MaxTextBytes"/> of its content.</summary>
internal static class ArtifactPreviewer
{
    public const int MaxTextBytes = 256 * 1024;
    public const int MaxTableRows = 100;
    public const int MaxTableColumns = 50;

    public static async Task<ArtifactPreview> PreviewAsync(ArtifactService artifacts, ArtifactPath file, string relativePath, long? size, CancellationToken ct)
    {
        var name = file.Name;
        if (ArtifactKinds.IsActiveContent(name))
        {
            return new DownloadOnlyPreview(relativePath, size, "Active content (HTML, SVG, XML, scripts) is never shown inline; download it to open it.");
        }
        if (ArtifactKinds.ImageContentType(name) is not null)
        {
            return new ImagePreview(relativePath, size);
        }
        var table = ArtifactKinds.IsTable(name);
        if (!table && !ArtifactKinds.IsText(name) && name != "MLmodel")
        {
            return new DownloadOnlyPreview(relativePath, size, "No preview for this file type.");
        }
        var (bytes, truncated) = await ReadHeadAsync(artifacts, file, ct);
        if (Array.IndexOf(bytes, (byte)0) >= 0)
        {
            return new DownloadOnlyPreview(relativePath, size, "The file looks binary.");
        }
        var text = Encoding.UTF8.GetString(bytes);
        if (!table)
        {
            return new TextPreview(relativePath, size, text, truncated);
        }
        var separator = name.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase) ? '\t' : ',';
        var (rows, cut) = CsvPreviewReader.Read(text, separator, MaxTableRows + 1, MaxTableColumns);
        if (rows.Count == 0)
        {
            return new TextPreview(relativePath, size, text, truncated);
        }
        return new TablePreview(relativePath, size, rows[0], rows.Skip(1).Cast<IReadOnlyList<string>>().ToArray(), cut || truncated);
    }

    private static async Task<(byte[] Bytes, bool Truncated)> ReadHeadAsync(ArtifactService artifacts, ArtifactPath file, CancellationToken ct)
    {
        await using var stream = await artifacts.OpenReadAsync(file, ct);
        var buffer = new byte[MaxTextBytes + 1];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read), ct);
            if (n == 0)
            {
                break;
            }
            read += n;
        }
        var truncated = read > MaxTextBytes;
        var length = Math.Min(read, MaxTextBytes);
        // Do not cut a UTF-8 sequence in half at the limit.
        while (truncated && length > 0 && (buffer[length] & 0xC0) == 0x80)
        {
            length--;
        }
        return (buffer[..length], truncated);
    }
}
