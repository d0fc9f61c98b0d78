using Keel.Core.Common;
using Keel.Core.Data;
using Keel.Core.Data.Chunking;
using Keel.Core.Data.Manifests;
using Keel.Data.Add;
using Keel.Data.Checkout;
using Keel.Data.Repository;
using Keel.Data.StatCache;

namespace Keel.Data.Snapshots;

/// <summary>
/// Saves a file or folder into the repository's cache (<c>.keel/cache</c>) as a manifest of content-defined chunks,
/// as <c>keel data add</c> does but without a pointer file or .gitignore entry, and puts a saved manifest back at a
/// path. Pipelines use it for the run cache: a stage's outs are saved after it ran and restored instead of running it
/// again. Unchanged files are not read again (the stat cache shared with <c>keel data add</c>).
/// </summary>
/// <param name="repository">The data repository the paths lie in.</param>
public sealed class TreeSnapshots(DataRepository repository)
{
    private readonly FileHasher _hasher = new(new ContentDefinedChunker(ChunkerOptions.Default), repository.Cache);

    /// <summary>
    /// Saves the file or folder at <paramref name="fullPath"/> (inside the repository) and returns its manifest hash.
    /// Folders are listed recursively, skipping symbolic links, pointer files and <c>.keel</c>/<c>.git</c> folders. A
    /// missing path throws RESOURCE_DOES_NOT_EXIST.
    /// </summary>
    public string Save(string fullPath, CancellationToken ct = default)
    {
        var full = repository.ResolveInside(fullPath, repository.Root);
        var status = FileStamps.Read(full);
        if (status.Kind is FileKind.Missing)
        {
            throw KeelException.NotFound($"'{repository.Relative(full)}' does not exist.");
        }
        if (status.Kind is not (FileKind.Regular or FileKind.Directory))
        {
            throw KeelException.InvalidParameter($"'{repository.Relative(full)}' is not a regular file or folder.");
        }
        var isDirectory = status.Kind == FileKind.Directory;
        var files = WorkingTree.List(repository, full, status.Kind);
        var statCache = FileStatCache.Load(repository.Cache.Root);
        try
        {
            var entries = new List<ManifestFile>(files.Count);
            foreach (var file in files)
            {
                ct.ThrowIfCancellationRequested();
                if (file.Status.Kind != FileKind.Regular)
                {
                    throw KeelException.InvalidParameter($"'{file.RepositoryPath}' is not a regular file; outs hold files and folders only.");
                }
                var chunks = statCache.Find(file.RepositoryPath, file.Status.Stamp) is { } known && known.All(c => repository.Cache.Contains(c.Hash))
                    ? known
                    : _hasher.Hash(file, previous: null, _ => { }).Chunks;
                statCache.Record(file.RepositoryPath, file.Status.Stamp, chunks);
                entries.Add(new ManifestFile(file.ManifestPath, file.Status.Stamp.Size, chunks));
            }
            var manifest = new DataManifest(isDirectory, entries);
            var json = manifest.ToCanonicalJson();
            var hash = ContentHash.Of(json);
            repository.Cache.Put(hash, json);
            return hash;
        }
        finally
        {
            statCache.Save();
        }
    }

    /// <summary>True when the manifest and every chunk it names are in the cache, so <see cref="Restore"/> can succeed offline.</summary>
    public bool CanRestore(string manifestHash)
    {
        if (!ContentHash.IsValid(manifestHash) || !repository.Cache.Contains(manifestHash))
        {
            return false;
        }
        try
        {
            return DataManifest.Parse(repository.Cache.ReadVerified(manifestHash)).ChunkHashes().All(repository.Cache.Contains);
        }
        catch (Exception e) when (e is KeelException or Cache.CorruptObjectException)
        {
            return false;
        }
    }

    /// <summary>
    /// Makes <paramref name="fullPath"/> hold exactly the content of manifest <paramref name="manifestHash"/>: files that
    /// differ are rewritten (through a temporary file and a rename), files a folder's manifest does not list are deleted,
    /// files already right are left alone. A missing manifest or chunk throws before anything is written.
    /// </summary>
    public void Restore(string manifestHash, string fullPath, CancellationToken ct = default)
    {
        var full = repository.ResolveInside(fullPath, repository.Root);
        var manifest = DataManifest.Parse(repository.Cache.ReadVerified(manifestHash));
        var name = Path.GetFileName(full);
        var pointer = new DataPointer(name, manifest.IsDirectory, manifestHash, manifest.TotalSize, manifest.FileCount);
        var item = new TrackedData(Path.Combine(Path.GetDirectoryName(full)!, DataPointer.PointerFileName(name)), pointer, full, repository.Relative(full));
        var checkout = new DataCheckout(repository);
        checkout.Apply(checkout.Plan([item], force: true, ct), ct: ct);
        if (manifest.IsDirectory)
        {
            // A folder whose manifest is empty has no file to create it.
            Directory.CreateDirectory(full);
        }
    }
}
