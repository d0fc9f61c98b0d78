using Keel.Core.Artifacts;
using Keel.Core.Common;

namespace Keel.Storage.FileSystem;

/// <summary>
/// Artifacts as plain files below one root folder. Writes land in a temporary file beside the target and
/// are moved over it, so readers never see a partial file. Paths are re-checked against the root after
/// resolving, and symbolic links below the root are refused rather than followed.
/// </summary>
public sealed class LocalArtifactStore : IArtifactStore
{
    private const string TempPrefix = ".keel-upload-";
    private const string TempSuffix = ".tmp";
    // Copies move 1 MiB at a time through a pooled buffer; the file streams themselves stay unbuffered
    // (size 0), so memory per transfer is that one buffer whatever the file's size.
    private const int CopyBufferSize = 1 << 20;

    private readonly string _root;
    private readonly string _rootWithSeparator;

    /// <summary>Uses <paramref name="rootDirectory"/> (created if missing) as the artifact root.</summary>
    public LocalArtifactStore(string rootDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(rootDirectory);
        _root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(rootDirectory));
        _rootWithSeparator = _root + Path.DirectorySeparatorChar;
        Directory.CreateDirectory(_root);
    }

    /// <summary>The absolute root folder.</summary>
    public string RootDirectory => _root;

    /// <summary>
    /// Builds the store from <c>StorageOptions.ArtifactsDestination</c>: null or empty means
    /// <c>&lt;dataDirectory&gt;/artifacts</c>; otherwise a folder path (relative paths resolve against the
    /// current directory) or a <c>file:///…</c> URI. Other schemes are refused with a message naming them.
    /// </summary>
    public static LocalArtifactStore FromDestination(string? destination, string dataDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        if (string.IsNullOrWhiteSpace(destination))
        {
            return new LocalArtifactStore(Path.Combine(dataDirectory, "artifacts"));
        }
        var colon = destination.IndexOf(':', StringComparison.Ordinal);
        // A one-letter "scheme" is a Windows drive (C:\data), not a URI.
        if (colon <= 1 || !IsScheme(destination.AsSpan(0, colon)))
        {
            return new LocalArtifactStore(destination);
        }
        var scheme = destination[..colon];
        if (!scheme.Equals("file", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException(
                $"Unsupported artifacts destination '{destination}': scheme '{scheme}' is not supported; use a folder path or a file:/// URI.",
                nameof(destination));
        }
        if (!Uri.TryCreate(destination, UriKind.Absolute, out var uri) || !uri.IsFile || !uri.IsLoopback
            || !Path.IsPathFullyQualified(uri.LocalPath))
        {
            throw new ArgumentException(
                $"Invalid artifacts destination '{destination}': expected a local file:///absolute/path URI.", nameof(destination));
        }
        return new LocalArtifactStore(uri.LocalPath);
    }

    public async Task PutAsync(ArtifactPath path, Stream content, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var target = Resolve(path, allowRoot: false);
        var directory = Path.GetDirectoryName(target)!;
        EnsureDirectory(path.Parent, directory);
        if (Directory.Exists(target))
        {
            throw KeelException.InvalidParameter($"Invalid value '{path}' for parameter 'path': a directory exists at that path.");
        }

        var temp = Path.Combine(directory, $"{TempPrefix}{Guid.NewGuid():N}{TempSuffix}");
        try
        {
            var options = new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
                BufferSize = 0,
                Options = FileOptions.Asynchronous,
            };
            await using (var file = new FileStream(temp, options))
            {
                await content.CopyToAsync(file, CopyBufferSize, ct);
                await file.FlushAsync(ct);
            }
            File.Move(temp, target, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    public Task<Stream> OpenReadAsync(ArtifactPath path, CancellationToken ct = default)
    {
        var full = Resolve(path, allowRoot: false);
        if (!File.Exists(full))
        {
            throw KeelException.NotFound(Directory.Exists(full)
                ? $"Artifact '{path}' is a directory, not a file."
                : $"Artifact '{path}' not found.");
        }
        try
        {
            Stream stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete,
                bufferSize: 0, FileOptions.Asynchronous | FileOptions.SequentialScan);
            return Task.FromResult(stream);
        }
        catch (FileNotFoundException)
        {
            // Deleted between the check and the open.
            throw KeelException.NotFound($"Artifact '{path}' not found.");
        }
    }

    public Task<IReadOnlyList<ArtifactEntry>> ListAsync(ArtifactPath directory, CancellationToken ct = default)
    {
        var full = Resolve(directory, allowRoot: true);
        if (!Directory.Exists(full))
        {
            return Task.FromResult<IReadOnlyList<ArtifactEntry>>([]);
        }
        var entries = new List<ArtifactEntry>();
        foreach (var info in new DirectoryInfo(full).EnumerateFileSystemInfos())
        {
            ct.ThrowIfCancellationRequested();
            // Links are neither followed nor shown; upload temp files are not artifacts yet.
            if (info.LinkTarget is not null || IsTempFile(info.Name))
            {
                continue;
            }
            ArtifactPath child;
            try
            {
                child = directory.Append(ArtifactPath.Parse(info.Name, "path"));
            }
            catch (KeelException)
            {
                // A name no artifact path can spell (placed by hand, e.g. with a backslash) cannot be fetched either.
                continue;
            }
            entries.Add(info is FileInfo file
                ? new ArtifactEntry(child, IsDirectory: false, file.Length)
                : new ArtifactEntry(child, IsDirectory: true, Size: null));
        }
        entries.Sort((a, b) => string.CompareOrdinal(a.Path.Value, b.Path.Value));
        return Task.FromResult<IReadOnlyList<ArtifactEntry>>(entries);
    }

    public Task DeleteAsync(ArtifactPath path, CancellationToken ct = default)
    {
        var full = Resolve(path, allowRoot: true);
        if (path.IsRoot)
        {
            foreach (var info in new DirectoryInfo(full).EnumerateFileSystemInfos())
            {
                DeleteEntry(info);
            }
        }
        else if (File.Exists(full) || Directory.Exists(full))
        {
            DeleteEntry(Directory.Exists(full) ? new DirectoryInfo(full) : new FileInfo(full));
        }
        return Task.CompletedTask;
    }

    // Directory.Delete removes links it meets without following them.
    private static void DeleteEntry(FileSystemInfo info)
    {
        if (info is DirectoryInfo directory && info.LinkTarget is null)
        {
            directory.Delete(recursive: true);
        }
        else
        {
            info.Delete();
        }
    }

    private string Resolve(ArtifactPath path, bool allowRoot)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.IsRoot)
        {
            return allowRoot ? _root : throw KeelException.InvalidParameter("Invalid value '' for parameter 'path': it must name a file below the artifact root.");
        }
        var full = Path.GetFullPath(Path.Combine(_root, Path.Join(path.Segments.ToArray())));
        // ArtifactPath already refuses '..'; this catches anything the OS would still interpret differently.
        if (!full.StartsWith(_rootWithSeparator, StringComparison.Ordinal))
        {
            throw Refused(path, "it resolves outside the artifact root");
        }
        var current = _root;
        foreach (var segment in path.Segments)
        {
            current = Path.Combine(current, segment);
            var info = new FileInfo(current);
            if (info.LinkTarget is not null)
            {
                throw Refused(path, "symbolic links are not followed");
            }
            if (!info.Exists && !Directory.Exists(current))
            {
                break;
            }
        }
        return full;
    }

    private void EnsureDirectory(ArtifactPath directoryPath, string directory)
    {
        var current = _root;
        foreach (var segment in directoryPath.Segments)
        {
            current = Path.Combine(current, segment);
            if (File.Exists(current))
            {
                throw KeelException.InvalidParameter(
                    $"Invalid value '{directoryPath}' for parameter 'path': '{segment}' is a file, not a directory.");
            }
        }
        Directory.CreateDirectory(directory);
    }

    private static bool IsTempFile(string name) =>
        name.StartsWith(TempPrefix, StringComparison.Ordinal) && name.EndsWith(TempSuffix, StringComparison.Ordinal);

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp file is hidden from listings and harmless.
        }
        catch (UnauthorizedAccessException)
        {
            // Same as above.
        }
    }

    private static KeelException Refused(ArtifactPath path, string rule) =>
        KeelException.InvalidParameter($"Invalid value '{path}' for parameter 'path': {rule}.");

    private static bool IsScheme(ReadOnlySpan<char> text)
    {
        if (!char.IsAsciiLetter(text[0]))
        {
            return false;
        }
        foreach (var c in text)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('+' or '-' or '.'))
            {
                return false;
            }
        }
        return true;
    }
}
