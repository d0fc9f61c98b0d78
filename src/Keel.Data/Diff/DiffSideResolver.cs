using Keel.Core.Common;
using Keel.Core.Data;
using Keel.Data.Checkout;
using Keel.Data.Repository;

namespace Keel.Data.Diff;

/// <summary>
/// Turns what the user names on either side of <c>keel data diff</c> into a manifest from the local cache. Accepted, in
/// this order: a manifest hash (64 lowercase hex digits); a pointer file, or the tracked file or folder beside one; or
/// <c>&lt;git-rev&gt;:&lt;path&gt;</c>, the pointer file as committed in that revision (the path follows git's rules:
/// relative to the repository top unless it starts with <c>./</c>; <c>.keel</c> is appended when missing).
/// </summary>
public sealed class DiffSideResolver
{
    private readonly DataRepository _repository;
    private readonly GitShow _git;

    public DiffSideResolver(DataRepository repository)
        : this(repository, new GitShow())
    {
    }

    internal DiffSideResolver(DataRepository repository, GitShow git)
    {
        _repository = repository;
        _git = git;
    }

    /// <summary>Resolves <paramref name="argument"/>, relative to <paramref name="workingDirectory"/>; every failure is one KeelException line.</summary>
    public async Task<DiffSide> ResolveAsync(string argument, string workingDirectory, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(argument);
        var hash = await ManifestHashAsync(argument, workingDirectory, ct);
        return new DiffSide(argument, hash, CachedManifest.Load(_repository.Cache, hash, $"'{argument}'"));
    }

    private async Task<string> ManifestHashAsync(string argument, string workingDirectory, CancellationToken ct)
    {
        if (ContentHash.IsValid(argument))
        {
            return argument;
        }
        if (argument.Length > 0 && argument.IndexOfAny(Path.GetInvalidPathChars()) < 0)
        {
            var full = Path.GetFullPath(argument, workingDirectory);
            if (full.EndsWith(DataPointer.Extension, StringComparison.Ordinal) && File.Exists(full))
            {
                return _repository.ReadPointer(full).Spec.Manifest;
            }
            if (File.Exists(full + DataPointer.Extension))
            {
                return _repository.ReadPointer(full + DataPointer.Extension).Spec.Manifest;
            }
        }
        var colon = argument.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            var path = argument[(colon + 1)..];
            if (path.Length == 0)
            {
                throw KeelException.InvalidParameter($"'{argument}' names no path after the revision; expected <git-rev>:<path-to-pointer>.");
            }
            var pointerPath = path.EndsWith(DataPointer.Extension, StringComparison.Ordinal) ? path : path + DataPointer.Extension;
            var text = await _git.ReadAsync(argument[..colon], pointerPath, workingDirectory, ct);
            return DataPointer.Parse(text, $"pointer file '{argument[..colon]}:{pointerPath}'").Manifest;
        }
        if (argument.Length > 0 && argument.All(Uri.IsHexDigit))
        {
            throw KeelException.InvalidParameter($"'{argument}' is not a manifest hash: expected 64 lowercase hex digits, got {argument.Length} characters.");
        }
        throw KeelException.NotFound(
            $"'{argument}' is neither a pointer file, tracked data, a manifest hash (64 hex digits) nor <git-rev>:<path-to-pointer>.");
    }
}
