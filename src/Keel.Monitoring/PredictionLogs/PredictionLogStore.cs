using System.Globalization;
using Keel.Core.Artifacts;
using Keel.Core.Common;
using Keel.Core.Monitoring.PredictionLogs;

namespace Keel.Monitoring.PredictionLogs;

/// <summary>
/// Prediction-log segments and ground-truth labels of deployments in the blob store, under
/// <c>monitoring/&lt;deployment&gt;/predictions/&lt;yyyy-MM-dd&gt;/&lt;segment&gt;.parquet</c> (the UTC day of the segment's
/// first row) and <c>monitoring/&lt;deployment&gt;/labels/&lt;yyyy-MM-dd&gt;/&lt;file&gt;.parquet</c> (the day received).
/// Deployment names follow the deployment rule (that of a registered model); a deployment need not exist in the
/// deployment store, as a host serving one model logs under the model's name. Bad input throws
/// <see cref="KeelException"/> INVALID_PARAMETER_VALUE naming the field and the rule; nothing is stored then.
/// </summary>
public sealed class PredictionLogStore(IArtifactStore store)
{
    /// <summary>The largest segment accepted, in bytes (64 MiB).</summary>
    public const long MaxSegmentBytes = 64L * 1024 * 1024;

    /// <summary>The most labels one call may append.</summary>
    public const int MaxLabelsPerCall = 10_000;

    /// <summary>
    /// Checks that <paramref name="parquet"/> is a segment whose rows belong to <paramref name="deployment"/> and lie
    /// within the times <paramref name="segmentName"/> spells, then stores it (replacing a segment of the same name, so
    /// a retried upload is harmless).
    /// </summary>
    public async Task WriteSegmentAsync(string deployment, string segmentName, Stream parquet, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(parquet);
        var root = PredictionLogPaths.Predictions(deployment);
        var name = PredictionSegmentName.Parse(segmentName, "segment");
        using var buffer = await BufferAsync(parquet, ct);
        var summary = await PredictionSegmentReader.SummarizeAsync(buffer, ct);
        if (summary.First < PredictionSegmentBuilder.Truncate(name.First) || summary.Last > name.Last)
        {
            var outside = summary.First < PredictionSegmentBuilder.Truncate(name.First) ? summary.First : summary.Last;
            throw KeelException.InvalidParameter(string.Create(CultureInfo.InvariantCulture,
                $"Invalid value for parameter 'body': a row has timestamp {outside:O}, outside the segment name's range {name.First:O} to {name.Last:O}."));
        }
        if (summary.Deployments.FirstOrDefault(d => !string.Equals(d, deployment, StringComparison.Ordinal)) is { } other)
        {
            throw KeelException.InvalidParameter($"Invalid value for parameter 'body': a row belongs to deployment '{other}', not '{deployment}'.");
        }

        buffer.Position = 0;
        await store.PutAsync(PredictionLogPaths.File(PredictionLogPaths.Day(root, name.First), name.ToString()), buffer, ct);
    }

    /// <summary>
    /// The records of <paramref name="deployment"/> with a timestamp in [<paramref name="since"/>, <paramref name="until"/>),
    /// oldest first, with their labels. Only the days in range are listed and segments whose names fall outside it are
    /// not opened. An empty or reversed range, or a deployment with no logs, gives an empty window.
    /// </summary>
    public async Task<PredictionWindow> ReadWindowAsync(string deployment, DateTimeOffset since, DateTimeOffset until, CancellationToken ct = default)
    {
        var root = PredictionLogPaths.Predictions(deployment);
        var records = new List<PredictionRecord>();
        var inputs = new List<KeyValuePair<string, CellKind>>();
        var outputs = new List<KeyValuePair<string, CellKind>>();
        if (until <= since)
        {
            return new PredictionWindow(records, inputs, outputs, []);
        }

        var firstDay = DateOnly.FromDateTime((since - PredictionSegmentName.MaxSpan).UtcDateTime);
        var lastDay = DateOnly.FromDateTime(until.UtcDateTime);
        foreach (var day in await DaysAsync(root, d => d >= firstDay && d <= lastDay, ct))
        {
            foreach (var file in await store.ListAsync(day, ct))
            {
                var name = file.IsDirectory || !file.Path.Name.EndsWith(PredictionLogPaths.Extension, StringComparison.Ordinal)
                    ? null
                    : PredictionSegmentName.TryParse(file.Path.Name[..^PredictionLogPaths.Extension.Length]);
                if (name is null || name.Last < PredictionSegmentBuilder.Truncate(since) || name.First >= until)
                {
                    continue;
                }

                PredictionSegment segment;
                await using (var content = await store.OpenReadAsync(file.Path, ct))
                {
                    segment = await PredictionSegmentReader.ReadAsync(content, ct);
                }
                records.AddRange(segment.Records.Where(r => r.Timestamp >= since && r.Timestamp < until));
                inputs.AddRange(segment.Inputs);
                outputs.AddRange(segment.Outputs);
            }
        }

        var ordered = records.OrderBy(r => r.Timestamp).ThenBy(r => r.RequestId, StringComparer.Ordinal).ThenBy(r => r.Row).ThenBy(r => r.Shadow).ToList();
        var labels = ordered.Count == 0 ? [] : await ReadLabelsAsync(deployment, DateOnly.FromDateTime(since.UtcDateTime).AddDays(-1), ct);
        return new PredictionWindow(ordered, inputs, outputs, labels);
    }

    /// <summary>
    /// Stores ground truth for logged rows, joined later by (request id, row); a later label for the same row wins.
    /// Each label needs a request id (1 to 128 characters, no control characters), a row &gt;= 0 and a value that is a
    /// finite number, a string or a bool.
    /// </summary>
    public async Task AppendLabelsAsync(string deployment, IReadOnlyList<GroundTruth> labels, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var root = PredictionLogPaths.Labels(deployment);
        if (labels.Count == 0)
        {
            throw KeelException.InvalidParameter("Invalid value for parameter 'labels': give at least one label.");
        }
        if (labels.Count > MaxLabelsPerCall)
        {
            throw KeelException.InvalidParameter(string.Create(CultureInfo.InvariantCulture,
                $"Invalid value for parameter 'labels': at most {MaxLabelsPerCall} labels per call (got {labels.Count})."));
        }
        for (var i = 0; i < labels.Count; i++)
        {
            Check(labels[i], i);
        }

        var received = labels.Max(l => l.ReceivedAt);
        var bytes = await LabelFile.WriteAsync(labels, ct);
        var name = string.Create(CultureInfo.InvariantCulture, $"{received.UtcTicks:D19}-{Guid.NewGuid():N}");
        using var content = new MemoryStream(bytes, writable: false);
        await store.PutAsync(PredictionLogPaths.File(PredictionLogPaths.Day(root, received), name), content, ct);
    }

    /// <summary>The request id rule shared by segments and labels.</summary>
    public static bool IsValidRequestId(string? requestId) =>
        !string.IsNullOrEmpty(requestId) && requestId.Length <= PredictionLogColumns.MaxRequestIdLength && !requestId.Any(char.IsControl);

    private static void Check(GroundTruth label, int index)
    {
        var field = string.Create(CultureInfo.InvariantCulture, $"labels[{index}]");
        if (label is null)
        {
            throw KeelException.InvalidParameter($"Missing value for required parameter '{field}'.");
        }
        if (!IsValidRequestId(label.RequestId))
        {
            throw KeelException.InvalidParameter(
                $"Invalid value for parameter '{field}.request_id': request ids are 1 to {PredictionLogColumns.MaxRequestIdLength} characters without control characters.");
        }
        if (label.Row < 0)
        {
            throw KeelException.InvalidParameter(string.Create(CultureInfo.InvariantCulture,
                $"Invalid value '{label.Row}' for parameter '{field}.row': rows are whole numbers >= 0."));
        }
        var valid = label.Label switch
        {
            double d => double.IsFinite(d),
            float f => float.IsFinite(f),
            long or int or bool or string => true,
            _ => false,
        };
        if (!valid)
        {
            throw KeelException.InvalidParameter($"Invalid value for parameter '{field}.label': a label is a finite number, a string or a bool.");
        }
    }

    private async Task<List<GroundTruth>> ReadLabelsAsync(string deployment, DateOnly fromDay, CancellationToken ct)
    {
        var labels = new List<GroundTruth>();
        foreach (var day in await DaysAsync(PredictionLogPaths.Labels(deployment), d => d >= fromDay, ct))
        {
            foreach (var file in await store.ListAsync(day, ct))
            {
                if (file.IsDirectory || !file.Path.Name.EndsWith(PredictionLogPaths.Extension, StringComparison.Ordinal))
                {
                    continue;
                }
                await using var content = await store.OpenReadAsync(file.Path, ct);
                labels.AddRange(await LabelFile.ReadAsync(content, ct));
            }
        }
        return labels;
    }

    private async Task<List<ArtifactPath>> DaysAsync(ArtifactPath root, Func<DateOnly, bool> wanted, CancellationToken ct) =>
        [.. (await store.ListAsync(root, ct))
            .Where(e => e.IsDirectory && PredictionLogPaths.ParseDay(e.Path.Name) is { } day && wanted(day))
            .Select(e => e.Path)];

    private static async Task<MemoryStream> BufferAsync(Stream content, CancellationToken ct)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await content.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxSegmentBytes)
            {
                await buffer.DisposeAsync();
                throw KeelException.InvalidParameter(string.Create(CultureInfo.InvariantCulture,
                    $"Invalid value for parameter 'body': a segment is at most {MaxSegmentBytes} bytes."));
            }
            buffer.Write(chunk, 0, read);
        }
        buffer.Position = 0;
        return buffer;
    }
}
