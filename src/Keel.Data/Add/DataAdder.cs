using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using System.Text;
using Keel.Core.Common;
using Keel.Core.Data;
using Keel.Core.Data.Chunking;
using Keel.Core.Data.Manifests;
using Keel.Data.Repository;
using Keel.Data.StatCache;

namespace Keel.Data.Add;

/// <summary>
/// <c>keel data add</c>: splits files into content-defined chunks, stores the chunks the cache lacks and a manifest
/// per tracked file or folder in <c>.keel/cache</c>, and writes a pointer file beside the data plus a
/// <c>.gitignore</c> entry for it. Files are hashed in parallel, one streaming worker per file; files the stat cache
/// knows to be unchanged are not read at all.
/// </summary>
public sealed class DataAdder
{
    private readonly DataRepository _repository;
    private readonly DataAddOptions _options;
    private readonly FileHasher _hasher;

    public DataAdder(DataRepository repository, DataAddOptions? options = null)
    {
        _repository = repository;
        _options = options ?? new DataAddOptions();
        if (_options.MaxDegreeOfParallelism < 1)
        {
            throw KeelException.InvalidParameter($"Invalid degree of parallelism {_options.MaxDegreeOfParallelism}: hash with at least one worker.");
        }
        if (_options.Dataset is { } dataset && (string.IsNullOrWhiteSpace(dataset) || dataset.Any(char.IsControl)))
        {
            throw KeelException.InvalidParameter($"Invalid dataset name '{dataset}': it must be non-blank text on one line.");
        }
        _hasher = new FileHasher(new ContentDefinedChunker(_options.Chunker), repository.Cache, _options.MaxDegreeOfParallelism);
    }

    /// <summary>
    /// Adds each of <paramref name="paths"/> (files or folders inside the repository, relative to
    /// <paramref name="workingDirectory"/>) and returns what was done, in order. Every path is checked before any is
    /// added: a missing path, one outside the repository or in its <c>.keel</c>/<c>.git</c> folder, a pointer file or
    /// a special file throws <see cref="KeelException"/> with nothing written.
    /// </summary>
    public IReadOnlyList<DataAddResult> Add(
        IReadOnlyList<string> paths, string workingDirectory, IProgress<DataAddProgress>? progress = null, CancellationToken ct = default)
    {
        var targets = AddTargets.Resolve(_repository, paths, workingDirectory);
        var counter = new ProgressCounter(targets.Sum(t => t.Size), progress);
        var statCache = FileStatCache.Load(_repository.Cache.Root);
        try
        {
            return targets.Select(target => AddOne(target, statCache, counter, ct)).ToArray();
        }
        finally
        {
            // Even after a failure: what was hashed is valid and need not be hashed again.
            statCache.Save();
        }
    }

    private DataAddResult AddOne(AddTarget target, FileStatCache statCache, ProgressCounter counter, CancellationToken ct)
    {
        var started = _options.Time.GetTimestamp();
        var entries = new ManifestFile[target.Files.Count];
        long hashed = 0, reused = 0, newChunks = 0, newBytes = 0;
        // Largest files first, handed out one at a time, so one big file does not start last and run alone.
        var previous = PreviousVersion(target);
        var order = Enumerable.Range(0, entries.Length).OrderByDescending(i => target.Files[i].Status.Stamp.Size).ToArray();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.MaxDegreeOfParallelism, CancellationToken = ct };
        RunParallel(Partitioner.Create(order, EnumerablePartitionerOptions.NoBuffering), parallel, i =>
        {
            var file = target.Files[i];
            var size = file.Status.Stamp.Size;
            if (statCache.Find(file.RepositoryPath, file.Status.Stamp) is { } known && known.All(c => _repository.Cache.Contains(c.Hash)))
            {
                entries[i] = new ManifestFile(file.ManifestPath, size, known);
                Interlocked.Add(ref reused, size);
                counter.Add(size);
                return;
            }
            var result = _hasher.Hash(file, previous.GetValueOrDefault(file.ManifestPath), counter.Add);
            statCache.Record(file.RepositoryPath, file.Status.Stamp, result.Chunks);
            entries[i] = new ManifestFile(file.ManifestPath, size, result.Chunks);
            Interlocked.Add(ref hashed, size);
            Interlocked.Add(ref newChunks, result.NewChunks);
            Interlocked.Add(ref newBytes, result.NewBytes);
        });

        var manifest = new DataManifest(target.IsDirectory, entries);
        var json = manifest.ToCanonicalJson();
        var manifestHash = ContentHash.Of(json);
        _repository.Cache.Put(manifestHash, json);
        var pointerPath = WritePointer(target, manifest, manifestHash);
        GitIgnoreEntries.Ensure(Path.GetDirectoryName(target.FullPath)!, Path.GetFileName(target.FullPath));
        if (target.IsDirectory)
        {
            statCache.ForgetOthersBelow(target.RelativePath, target.Files.Select(f => f.RepositoryPath).ToHashSet(StringComparer.Ordinal));
        }
        return new DataAddResult(pointerPath, target.RelativePath, manifestHash, manifest.TotalSize, manifest.FileCount,
            hashed, reused, newChunks, newBytes, _options.Time.GetElapsedTime(started));
    }

    private string WritePointer(AddTarget target, DataManifest manifest, string manifestHash)
    {
        var name = Path.GetFileName(target.FullPath);
        var pointerPath = Path.Combine(Path.GetDirectoryName(target.FullPath)!, DataPointer.PointerFileName(name));
        var pointer = new DataPointer(name, target.IsDirectory, manifestHash, manifest.TotalSize, manifest.FileCount,
            _options.Dataset ?? ExistingDataset(pointerPath));
        // Written beside and renamed over, so a reader (or git) never sees half a pointer.
        var temporary = pointerPath + "." + Guid.NewGuid().ToString("N") + ".tmp";
        File.WriteAllText(temporary, pointer.ToYaml(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        File.Move(temporary, pointerPath, overwrite: true);
        return pointerPath;
    }

    // The files of the version last added here, by manifest path: new chunks are stored as deltas of theirs. Anything
    // missing or unreadable just means no deltas.
    private Dictionary<string, ManifestFile> PreviousVersion(AddTarget target)
    {
        var pointerPath = Path.Combine(Path.GetDirectoryName(target.FullPath)!, DataPointer.PointerFileName(Path.GetFileName(target.FullPath)));
        try
        {
            if (File.Exists(pointerPath) && _repository.ReadPointer(pointerPath).Spec.Manifest is var hash && _repository.Cache.Contains(hash))
            {
                return DataManifest.Parse(_repository.Cache.ReadVerified(hash)).Files.ToDictionary(f => f.Path, StringComparer.Ordinal);
            }
        }
        catch (Exception e) when (e is KeelException or Cache.CorruptObjectException or IOException)
        {
        }
        return new Dictionary<string, ManifestFile>(StringComparer.Ordinal);
    }

    // Re-adding keeps the dataset name given the first time; a broken old pointer is simply replaced.
    private string? ExistingDataset(string pointerPath)
    {
        try
        {
            return File.Exists(pointerPath) ? _repository.ReadPointer(pointerPath).Spec.Dataset : null;
        }
        catch (KeelException)
        {
            return null;
        }
    }

    // Parallel.ForEach wraps failures; rethrow the first one as it was, preferring a KeelException's clear line.
    private static void RunParallel(OrderablePartitioner<int> items, ParallelOptions options, Action<int> body)
    {
        try
        {
            Parallel.ForEach(items, options, body);
        }
        catch (AggregateException e)
        {
            var first = e.InnerExceptions.FirstOrDefault(x => x is KeelException) ?? e.InnerExceptions[0];
            ExceptionDispatchInfo.Capture(first).Throw();
        }
    }

    /// <summary>Sums bytes done across workers and reports the running total.</summary>
    private sealed class ProgressCounter(long total, IProgress<DataAddProgress>? progress)
    {
        private long _done;

        public void Add(long bytes)
        {
            var done = Interlocked.Add(ref _done, bytes);
            progress?.Report(new DataAddProgress(done, total));
        }
    }
}
