namespace Keel.Web.Pages.RunDetails;

/// <summary>How the run page shows one artifact file. Nothing from an artifact is ever rendered as HTML.</summary>
public abstract record ArtifactPreview(string Path, long? Size);

/// <summary>Text (plain, JSON, YAML, MLmodel …) shown escaped in a &lt;pre&gt;, cut at <see cref="ArtifactPreviewer.MaxTextBytes"/>.</summary>
public sealed record TextPreview(string Path, long? Size, string Text, bool Truncated) : ArtifactPreview(Path, Size);

/// <summary>CSV/TSV shown as a table of at most <see cref="ArtifactPreviewer.MaxTableRows"/> rows.</summary>
public sealed record TablePreview(string Path, long? Size, IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Rows, bool Truncated)
    : ArtifactPreview(Path, Size);

/// <summary>An image shown with &lt;img&gt; from the raw endpoint, which serves only image types inline.</summary>
public sealed record ImagePreview(string Path, long? Size) : ArtifactPreview(Path, Size);

/// <summary>No preview (binary, too large, or active content such as HTML and SVG): a download link only.</summary>
public sealed record DownloadOnlyPreview(string Path, long? Size, string Reason) : ArtifactPreview(Path, Size);
