using System.Globalization;
using System.Text.Json;
using Keel.Core.Artifacts;
using Keel.Core.Common;
using Keel.Core.Tracking;

namespace Keel.Core.Registry.Governance.Cards;

/// <summary>
/// Reads the latest validation of a version: its <see cref="ValidationTags"/> and, from the version's run, the JSON
/// report (<c>rules</c>: name, passed, value, threshold, detail) and feature importance (<c>features</c>: feature,
/// mean, std). Read defensively: a missing or malformed file leaves a note on the card, never an error.
/// </summary>
internal sealed class ValidationReportReader(IArtifactStore artifacts)
{
    private const long MaxReportBytes = 8 * 1024 * 1024;

    public async Task<CardValidation?> ReadValidationAsync(ModelVersion version, RunInfo? run, CancellationToken ct)
    {
        var status = Tag(version, ValidationTags.Status);
        if (status is null)
        {
            return null;
        }
        var reportPath = Tag(version, ValidationTags.Report);
        var time = long.TryParse(Tag(version, ValidationTags.Time), NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms) ? ms : (long?)null;
        var against = Tag(version, ValidationTags.Against) is { Length: > 0 } a ? a : null;
        var (document, problem) = await ReadJsonAsync(run, reportPath, "report", ct);
        var rules = new List<CardRule>();
        using (document)
        {
            if (document?.RootElement is { ValueKind: JsonValueKind.Object } root
                && root.TryGetProperty("rules", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                rules.AddRange(list.EnumerateArray().Where(r => r.ValueKind == JsonValueKind.Object).Select(r => new CardRule(
                    Text(r, "name"), r.TryGetProperty("passed", out var p) && p.ValueKind is JsonValueKind.True or JsonValueKind.False ? p.GetBoolean() : null,
                    Text(r, "value"), Text(r, "threshold"), Text(r, "detail"))));
            }
            else if (document is not null)
            {
                problem = "the report has no 'rules' list";
            }
        }
        return new CardValidation(status, against, Tag(version, ValidationTags.Data), time, reportPath, rules, problem);
    }

    public async Task<IReadOnlyList<CardFeatureImportance>> ReadImportanceAsync(ModelVersion version, RunInfo? run, CancellationToken ct)
    {
        var path = Tag(version, ValidationTags.Importance);
        if (path is null)
        {
            return [];
        }
        var (document, _) = await ReadJsonAsync(run, path, "importance", ct);
        using (document)
        {
            if (document?.RootElement is not { ValueKind: JsonValueKind.Object } root
                || !root.TryGetProperty("features", out var list) || list.ValueKind != JsonValueKind.Array)
            {
                return [];
            }
            return list.EnumerateArray()
                .Where(f => f.ValueKind == JsonValueKind.Object)
                .Select(f => new CardFeatureImportance(Text(f, "feature"), Number(f, "mean"), Number(f, "std")))
                .OrderByDescending(f => f.Mean)
                .ToArray();
        }
    }

    private async Task<(JsonDocument? Document, string? Problem)> ReadJsonAsync(RunInfo? run, string? relative, string what, CancellationToken ct)
    {
        if (relative is null)
        {
            return (null, $"no {what} path is recorded on the version");
        }
        if (run is null)
        {
            return (null, $"the {what} is in a run that no longer exists");
        }
        try
        {
            var path = ArtifactService.ResolveProxyUri(run.ArtifactUri).Append(ArtifactPath.Parse(relative, "path"));
            await using var stream = await artifacts.OpenReadAsync(path, ct);
            using var bounded = new MemoryStream();
            await CopyBoundedAsync(stream, bounded, ct);
            bounded.Position = 0;
            return (await JsonDocument.ParseAsync(bounded, cancellationToken: ct), null);
        }
        catch (KeelException e)
        {
            return (null, $"the {what} '{relative}' could not be read: {e.Message}");
        }
        catch (JsonException)
        {
            return (null, $"the {what} '{relative}' is not valid JSON");
        }
    }

    private static async Task CopyBoundedAsync(Stream from, Stream to, CancellationToken ct)
    {
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await from.ReadAsync(buffer, ct)) > 0)
        {
            total += read;
            if (total > MaxReportBytes)
            {
                throw new KeelException(ErrorCode.InvalidState, "larger than 8 MiB");
            }
            await to.WriteAsync(buffer.AsMemory(0, read), ct);
        }
    }

    private static string? Tag(ModelVersion version, string key) => version.Tags.FirstOrDefault(t => t.Key == key)?.Value;

    // Values and thresholds may be numbers, strings, booleans or absent: shown as written.
    private static string Text(JsonElement element, string property) =>
        !element.TryGetProperty(property, out var value) ? "" : value.ValueKind switch
        {
            JsonValueKind.String => value.GetString() ?? "",
            JsonValueKind.Null or JsonValueKind.Undefined => "",
            _ => value.GetRawText(),
        };

    private static double Number(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : double.NaN;
}
