using Keel.Core.Pipelines;
using Keel.Data.Repository;
using Keel.Data.Snapshots;
using Keel.Pipelines.Hashing;
using Keel.Pipelines.RunCache;

namespace Keel.Pipelines.Execution;

/// <summary>
/// Where a local run keeps things: the pipeline folder (paths in keel.yaml are relative to it), the data repository
/// around it (<c>.keel</c> at the first folder up holding <c>.keel</c> or <c>.git</c>, else the pipeline folder), the
/// hash cache (<c>.keel/pipelines/hash-cache</c>), the run cache (<c>.keel/runcache</c>, outs in <c>.keel/cache</c>),
/// stage logs (<c>.keel/logs/&lt;pipeline&gt;/&lt;stage&gt;.log</c>) and keel.lock beside keel.yaml.
/// </summary>
internal sealed class PipelineWorkspace
{
    public PipelineWorkspace(string pipelineRoot, PipelineSpec spec)
    {
        Root = Path.GetFullPath(pipelineRoot);
        Repository = DataRepository.Discover(Root);
        var keel = Path.Combine(Repository.Root, DataRepository.KeelFolder);
        Hasher = ContentHasher.Open(Repository.Root, Path.Combine(keel, "pipelines"));
        RunCache = new LocalRunCache(Path.Combine(keel, "runcache"), new TreeSnapshots(Repository));
        LogFolder = Path.Combine(keel, "logs", SafeName(spec.Name));
        LockPath = Path.Combine(Root, LockFile.DefaultFileName);
    }

    public string Root { get; }

    public DataRepository Repository { get; }

    public ContentHasher Hasher { get; }

    public LocalRunCache RunCache { get; }

    public string LogFolder { get; }

    public string LockPath { get; }

    public string FullPath(string pipelinePath) => Path.GetFullPath(Path.Combine(Root, pipelinePath));

    /// <summary>The hash of a path relative to the pipeline folder (the hasher keys paths by the repository root), null when missing.</summary>
    public string? Hash(string pipelinePath) =>
        Hasher.Hash(Path.GetRelativePath(Repository.Root, FullPath(pipelinePath)).Replace(Path.DirectorySeparatorChar, '/'));

    public string LogPathOf(string stage) => Path.Combine(LogFolder, SafeName(stage) + ".log");

    private static string SafeName(string name) => string.Concat(name.Select(c => c is '/' or '\\' || char.IsControl(c) ? '_' : c));
}
