using System.Globalization;
using System.Text.Json;

namespace Keel.Serving.Routing;

/// <summary>
/// Appends each shadow comparison to a file as one JSON line:
/// <c>{"timestamp", "deployment", "primary": {"route", "model", "version"}, "shadow": {…}, "outcome",
/// "columns": {"Score": {"equal", "max_abs_diff"}, "PredictedLabel": {"equal"}}, "error"}</c>. Each line is flushed
/// as it is written, so a reader never sees half a line; other processes may read the file meanwhile.
/// </summary>
public sealed class JsonLinesShadowRecorder : IShadowRecorder, IAsyncDisposable
{
    private static readonly byte[] NewLine = "\n"u8.ToArray();
    private readonly FileStream _file;
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Opens <paramref name="path"/> for appending, creating it (and its directory) when missing.</summary>
    public JsonLinesShadowRecorder(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        _file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 4096, useAsync: true);
    }

    /// <inheritdoc />
    public async ValueTask RecordAsync(ShadowComparison comparison, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        var line = Serialize(comparison);
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await _file.WriteAsync(line, ct).ConfigureAwait(false);
            await _file.WriteAsync(NewLine, ct).ConfigureAwait(false);
            await _file.FlushAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Closes the file.</summary>
    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            await _file.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    internal static byte[] Serialize(ShadowComparison comparison)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("timestamp", comparison.Timestamp.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
            json.WriteString("deployment", comparison.Deployment);
            json.WriteStartObject("primary");
            json.WriteString("route", comparison.PrimaryRoute);
            json.WriteString("model", comparison.PrimaryModel);
            json.WriteString("version", comparison.PrimaryVersion);
            json.WriteEndObject();
            json.WriteStartObject("shadow");
            json.WriteString("route", comparison.ShadowRoute);
            json.WriteString("model", comparison.ShadowModel);
            json.WriteString("version", comparison.ShadowVersion);
            json.WriteEndObject();
            json.WriteString("outcome", OutcomeLabel(comparison.Outcome));
            json.WriteStartObject("columns");
            foreach (var column in comparison.Columns)
            {
                json.WriteStartObject(column.Column);
                json.WriteBoolean("equal", column.Equal);
                if (column.MaxAbsoluteDifference is { } difference)
                {
                    // JSON has no infinity or NaN; a NaN against a number reads as the string "Infinity".
                    if (double.IsFinite(difference))
                    {
                        json.WriteNumber("max_abs_diff", difference);
                    }
                    else
                    {
                        json.WriteString("max_abs_diff", difference.ToString(CultureInfo.InvariantCulture));
                    }
                }
                json.WriteEndObject();
            }
            json.WriteEndObject();
            json.WriteString("error", comparison.Error);
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    internal static string OutcomeLabel(ShadowOutcome outcome) => outcome switch
    {
        ShadowOutcome.Agree => "agree",
        ShadowOutcome.Disagree => "disagree",
        ShadowOutcome.Error => "error",
        ShadowOutcome.Dropped => "dropped",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, null),
    };
}
