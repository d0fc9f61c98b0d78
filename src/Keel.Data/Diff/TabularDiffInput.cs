using System.Text.Json.Nodes;
using Keel.Core.Data.Manifests;
using Keel.Data.Cache;
using Keel.Data.Checkout;

namespace Keel.Data.Diff;

/// <summary>
/// What <c>keel data diff</c> hands its tabular extension point for each modified <c>.csv</c> or <c>.parquet</c> file:
/// the file's path in the tracked tree and both versions, readable straight from the local cache (verified, seekable,
/// one chunk in memory). The CLI's hook (an optional <c>Func&lt;TabularDiffInput, CancellationToken,
/// Task&lt;TabularDiffSummary?&gt;&gt;</c> given to <c>DataDiffCommand.Create</c>) returns a summary or null to print nothing.
/// </summary>
public sealed record TabularDiffInput(string Path, ManifestFile Before, ManifestFile After, LocalObjectCache Cache)
{
    /// <summary>Whether the tabular extension point is asked about this path: it ends in .csv or .parquet (any case).</summary>
    public static bool Applies(string path) =>
        path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase);

    /// <summary>Version A's content; the caller disposes it.</summary>
    public Stream OpenBefore() => new CachedFileStream(Cache, Before, Path);

    /// <summary>Version B's content; the caller disposes it.</summary>
    public Stream OpenAfter() => new CachedFileStream(Cache, After, Path);
}

/// <summary>
/// A tabular diff of one file as the CLI shows it: <see cref="Lines"/> printed under the file diff for people (plain
/// text, e.g. "rows: 1000 → 1010", "column added: age (int64)"), and <see cref="Json"/> put under the file's
/// <c>tabular</c> key with <c>--output json</c>.
/// </summary>
public sealed record TabularDiffSummary(IReadOnlyList<string> Lines, JsonNode? Json);
