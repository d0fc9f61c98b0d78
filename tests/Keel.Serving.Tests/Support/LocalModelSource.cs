using System.Collections.Concurrent;
using Keel.Models.Packages;
using Keel.Serving.Runtime;

namespace Keel.Serving.Tests.Support;

/// <summary>
/// An <see cref="IModelSource"/> over package directories on disk, for host tests without a server: versions are
/// added with <see cref="Add"/>, <see cref="MoveTo"/> changes the one <see cref="ResolveAsync"/> answers (like
/// moving an alias), and every load copies the package into a temporary directory deleted with the model, so a test
/// can see when a version was disposed (<see cref="LoadedDirectories"/>).
/// </summary>
public sealed class LocalModelSource(string modelName = "local") : IModelSource
{
    private readonly ConcurrentDictionary<string, string> _packages = new(StringComparer.Ordinal);
    private volatile string? _current;

    /// <summary>Version → the temporary copy each load made, in load order.</summary>
    public ConcurrentQueue<(string Version, string Directory)> LoadedDirectories { get; } = new();

    /// <summary>How many times <see cref="LoadAsync"/> was called.</summary>
    public int LoadCount => _loadCount;

    private int _loadCount;

    public LocalModelSource Add(string version, string packageDirectory)
    {
        _packages[version] = packageDirectory;
        _current ??= version;
        return this;
    }

    public void MoveTo(string version) => _current = _packages.ContainsKey(version) ? version
        : throw new ArgumentException($"No version {version}.", nameof(version));

    public Task<ModelVersionRef> ResolveAsync(CancellationToken ct = default)
    {
        var version = _current ?? throw new InvalidOperationException("No version added.");
        return Task.FromResult(new ModelVersionRef(modelName, version, new Uri(_packages[version]).AbsoluteUri));
    }

    public Task<LoadedModel> LoadAsync(ModelVersionRef version, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(version);
        Interlocked.Increment(ref _loadCount);
        var copy = Directory.CreateTempSubdirectory("keel-local-model-").FullName;
        try
        {
            foreach (var file in Directory.GetFiles(_packages[version.Version]))
            {
                File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
            }
            var model = ModelPackage.Load(copy, deleteOnDispose: true);
            LoadedDirectories.Enqueue((version.Version, copy));
            return Task.FromResult(model);
        }
        catch
        {
            Directory.Delete(copy, recursive: true);
            throw;
        }
    }
}
