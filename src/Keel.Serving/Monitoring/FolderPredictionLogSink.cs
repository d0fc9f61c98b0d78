namespace Keel.Serving.Monitoring;

/// <summary>
/// Writes segments to a local folder as <c>&lt;folder&gt;/&lt;segment&gt;.parquet</c> (for tests and for hosts without a
/// tracking server). Segment names are made of digits, letters, 'T', 'Z' and '-', so a name cannot leave the folder.
/// </summary>
public sealed class FolderPredictionLogSink : IPredictionLogSink
{
    private readonly string _folder;

    /// <summary>Uses <paramref name="folder"/>, creating it when missing.</summary>
    public FolderPredictionLogSink(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        _folder = Path.GetFullPath(folder);
        Directory.CreateDirectory(_folder);
    }

    /// <inheritdoc />
    public async Task WriteSegmentAsync(string deployment, string segmentName, ReadOnlyMemory<byte> parquet, CancellationToken ct = default)
    {
        var name = Keel.Monitoring.PredictionLogs.PredictionSegmentName.Parse(segmentName).ToString();
        var path = Path.Combine(_folder, name + ".parquet");
        var temporary = path + ".tmp";
        await using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 81920, useAsync: true))
        {
            await file.WriteAsync(parquet, ct);
        }
        File.Move(temporary, path, overwrite: true);
    }
}
