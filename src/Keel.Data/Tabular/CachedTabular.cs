using System.Globalization;
using System.Text.Json.Nodes;
using Keel.Core.Data.Profiles;
using Keel.Data.Cache;
using Keel.Data.Checkout;
using Keel.Data.Diff;
using Keel.Data.Repository;

namespace Keel.Data.Tabular;

/// <summary>
/// Profiles and diffs of tables as they are stored in the local cache (not as the working copy may have drifted
/// since): the cached version is copied to a temporary file, since the CSV and Parquet readers take several passes.
/// </summary>
public static class CachedTabular
{
    /// <summary>
    /// The profile of a tracked CSV or Parquet file as its pointer's manifest has it; null for folders and other
    /// files. Used to fill a dataset version's row count, schema and profile when it is pushed.
    /// </summary>
    public static async Task<DatasetProfile?> ProfileAsync(LocalObjectCache cache, TrackedData item, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (item.Spec.IsDirectory || !TabularFormats.IsTabular(item.Spec.Path))
        {
            return null;
        }
        var manifest = CachedManifest.Load(cache, item.Spec.Manifest, $"'{item.RelativePath}'");
        var file = manifest.Files[0];
        await using var copy = await TemporaryCopy.CreateAsync(() => new CachedFileStream(cache, file, item.RelativePath), item.Spec.Path, ct);
        return await TabularProfiler.ProfileAsync(copy.Path, ct);
    }

    /// <summary>The tabular part of <c>keel data diff</c> for one modified CSV or Parquet file.</summary>
    public static async Task<TabularDiffSummary?> DiffAsync(TabularDiffInput input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        await using var before = await TemporaryCopy.CreateAsync(input.OpenBefore, input.Path, ct);
        await using var after = await TemporaryCopy.CreateAsync(input.OpenAfter, input.Path, ct);
        var diff = await TabularDiff.CompareAsync(before.Path, after.Path, ct);
        var lines = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture, $"rows: {diff.RowsBefore:N0} → {diff.RowsAfter:N0} (+{diff.RowsAdded:N0} added, −{diff.RowsRemoved:N0} removed)"),
        };
        lines.AddRange(diff.ColumnsAdded.Select(c => $"column added: {c}"));
        lines.AddRange(diff.ColumnsRemoved.Select(c => $"column removed: {c}"));
        lines.AddRange(diff.TypeChanges.Select(c => $"column type changed: {c.Name} {c.Before} → {c.After}"));
        var json = new JsonObject
        {
            ["rows_before"] = diff.RowsBefore,
            ["rows_after"] = diff.RowsAfter,
            ["rows_added"] = diff.RowsAdded,
            ["rows_removed"] = diff.RowsRemoved,
            ["columns_added"] = new JsonArray([.. diff.ColumnsAdded.Select(c => (JsonNode?)c)]),
            ["columns_removed"] = new JsonArray([.. diff.ColumnsRemoved.Select(c => (JsonNode?)c)]),
            ["type_changes"] = new JsonArray([.. diff.TypeChanges.Select(c => (JsonNode?)new JsonObject
            {
                ["column"] = c.Name,
                ["before"] = c.Before,
                ["after"] = c.After,
            })]),
        };
        return new TabularDiffSummary(lines, json);
    }

    /// <summary>A temporary file with the tracked file's extension (the readers pick the format by it), deleted on dispose.</summary>
    private sealed class TemporaryCopy : IAsyncDisposable
    {
        private TemporaryCopy(string path) => Path = path;

        public string Path { get; }

        public static async Task<TemporaryCopy> CreateAsync(Func<Stream> open, string name, CancellationToken ct)
        {
            var copy = new TemporaryCopy(System.IO.Path.Combine(System.IO.Path.GetTempPath(),
                $"keel-{Guid.NewGuid():N}{System.IO.Path.GetExtension(name).ToLowerInvariant()}"));
            try
            {
                await using var source = open();
                await using var target = new FileStream(copy.Path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
                await source.CopyToAsync(target, ct);
                return copy;
            }
            catch
            {
                await copy.DisposeAsync();
                throw;
            }
        }

        public ValueTask DisposeAsync()
        {
            File.Delete(Path);
            return ValueTask.CompletedTask;
        }
    }
}
