using System.CommandLine;
using System.Text.Json.Nodes;
using Keel.Cli.Output;
using Keel.Data.Diff;
using Keel.Data.Repository;
using Spectre.Console;

namespace Keel.Cli.Commands;

/// <summary><c>keel data diff &lt;a&gt; &lt;b&gt;</c>: files added, removed and modified between two versions of tracked data.</summary>
internal static class DataDiffCommand
{
    /// <summary>
    /// Builds the command. <paramref name="tabular"/> is the extension point for row and schema diffs: when given, it is
    /// called once per modified <c>.csv</c>/<c>.parquet</c> file (see <see cref="TabularDiffInput.Applies"/>), after the
    /// file diff, and its summary is printed under the table (or put under the file's <c>tabular</c> key in JSON); a
    /// null summary prints nothing. Without it the diff is file-level only.
    /// </summary>
    public static Command Create(ClientOptions options, CliHost host, Func<TabularDiffInput, CancellationToken, Task<TabularDiffSummary?>>? tabular = null)
    {
        const string sides = "a pointer file, the tracked file or folder beside one, a manifest hash, or <git-rev>:<path-to-pointer>";
        var a = new Argument<string>("a") { Description = $"The old version: {sides}" };
        var b = new Argument<string>("b") { Description = $"The new version: {sides}" };
        var command = new Command("diff", "Show files added, removed and modified between two versions of tracked data") { a, b };
        command.SetAction(async (parse, ct) =>
        {
            var output = new CliOutput(host, options.GetFormat(parse));
            var repository = DataRepository.Discover(host.WorkingDirectory);
            var resolver = new DiffSideResolver(repository);
            var before = await resolver.ResolveAsync(parse.GetRequiredValue(a), host.WorkingDirectory, ct);
            var after = await resolver.ResolveAsync(parse.GetRequiredValue(b), host.WorkingDirectory, ct);
            var diff = DataDiff.Compare(before.Manifest, after.Manifest);
            var tables = await TabularAsync(tabular, repository, before, after, diff, ct);
            if (output.IsJson)
            {
                output.WriteJson(Json(before, after, diff, tables));
            }
            else
            {
                WriteTable(output, diff, tables);
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task<Dictionary<string, TabularDiffSummary>> TabularAsync(
        Func<TabularDiffInput, CancellationToken, Task<TabularDiffSummary?>>? tabular, DataRepository repository, DiffSide before, DiffSide after, ManifestDiff diff, CancellationToken ct)
    {
        var summaries = new Dictionary<string, TabularDiffSummary>(StringComparer.Ordinal);
        if (tabular is null)
        {
            return summaries;
        }
        // Single-file versions are compared under B's name even when renamed, so A's entry is found by position then.
        var oldFiles = before.Manifest.IsDirectory || after.Manifest.IsDirectory
            ? before.Manifest.Files.ToDictionary(f => f.Path, StringComparer.Ordinal)
            : new() { [after.Manifest.Files[0].Path] = before.Manifest.Files[0] };
        var newFiles = after.Manifest.Files.ToDictionary(f => f.Path, StringComparer.Ordinal);
        foreach (var change in diff.Modified.Where(c => TabularDiffInput.Applies(c.Path)))
        {
            var summary = await tabular(new TabularDiffInput(change.Path, oldFiles[change.Path], newFiles[change.Path], repository.Cache), ct);
            if (summary is not null)
            {
                summaries[change.Path] = summary;
            }
        }
        return summaries;
    }

    private static void WriteTable(CliOutput output, ManifestDiff diff, Dictionary<string, TabularDiffSummary> tables)
    {
        if (!diff.IsEmpty)
        {
            var table = new Table()
                .AddColumn("Change")
                .AddColumn("Path")
                .AddColumn(new TableColumn("Size").RightAligned())
                .AddColumn(new TableColumn("Chunks").RightAligned())
                .AddColumn(new TableColumn("Shared").RightAligned());
            foreach (var change in diff.Changes)
            {
                table.AddRow(
                    change.Kind.ToString().ToLowerInvariant(),
                    Markup.Escape(change.Path),
                    Markup.Escape(Span(change, v => Format.Bytes(v.Size))),
                    Markup.Escape(Span(change, v => Format.Integer(v.ChunkCount))),
                    change.Kind == FileChangeKind.Modified ? Format.Bytes(change.SharedBytes) : "");
            }
            output.Write(table);
        }
        foreach (var (path, summary) in tables.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            output.Line();
            output.Line($"{path}:");
            foreach (var line in summary.Lines)
            {
                output.Line($"  {line}");
            }
        }
        var added = diff.Added.Count();
        var removed = diff.Removed.Count();
        var modified = diff.Modified.Count();
        output.Line(diff.IsEmpty
            ? $"No differences: {Format.Integer(diff.UnchangedFiles)} file(s) ({Format.Bytes(diff.UnchangedBytes)}) are the same."
            : $"{Format.Integer(added)} added, {Format.Integer(removed)} removed, {Format.Integer(modified)} modified, " +
              $"{Format.Integer(diff.UnchangedFiles)} unchanged; the new version stores {Format.Bytes(diff.NewChunkBytes)} of chunks the old one lacks.");
    }

    private static string Span(FileChange change, Func<FileVersion, string> show) => change switch
    {
        { Before: { } old, After: { } current } => $"{show(old)} → {show(current)}",
        { After: { } current } => show(current),
        { Before: { } old } => show(old),
        _ => "",
    };

    private static JsonObject Json(DiffSide before, DiffSide after, ManifestDiff diff, Dictionary<string, TabularDiffSummary> tables) => new()
    {
        ["a"] = Side(before),
        ["b"] = Side(after),
        ["added"] = Files(diff.Added, tables),
        ["removed"] = Files(diff.Removed, tables),
        ["modified"] = Files(diff.Modified, tables),
        ["unchanged_files"] = diff.UnchangedFiles,
        ["unchanged_bytes"] = diff.UnchangedBytes,
        ["new_chunk_bytes"] = diff.NewChunkBytes,
    };

    private static JsonObject Side(DiffSide side) => new()
    {
        ["label"] = side.Label,
        ["manifest"] = side.ManifestHash,
        ["files"] = side.Manifest.FileCount,
        ["size"] = side.Manifest.TotalSize,
    };

    private static JsonArray Files(IEnumerable<FileChange> changes, Dictionary<string, TabularDiffSummary> tables) =>
        [.. changes.Select(change =>
        {
            var entry = new JsonObject { ["path"] = change.Path };
            if (change.Before is { } old)
            {
                entry["before"] = new JsonObject { ["size"] = old.Size, ["chunks"] = old.ChunkCount };
            }
            if (change.After is { } current)
            {
                entry["after"] = new JsonObject { ["size"] = current.Size, ["chunks"] = current.ChunkCount };
            }
            if (change.Kind == FileChangeKind.Modified)
            {
                entry["shared_bytes"] = change.SharedBytes;
            }
            if (tables.TryGetValue(change.Path, out var summary) && summary.Json is not null)
            {
                entry["tabular"] = summary.Json.DeepClone();
            }
            return entry;
        })];
}
