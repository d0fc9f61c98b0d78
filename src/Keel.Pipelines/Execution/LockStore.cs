using System.Text;
using Keel.Core.Pipelines;

namespace Keel.Pipelines.Execution;

/// <summary>
/// keel.lock for one run: read once, updated after each stage that ran or was restored and written straight away (a
/// temporary file renamed into place), so an interrupted run keeps its progress. Entries of stages no longer in the
/// pipeline are dropped; those of unselected stages are kept.
/// </summary>
internal sealed class LockStore
{
    private readonly string _path;
    private readonly HashSet<string> _stages;
    private readonly Dictionary<string, StageLock> _entries;
    private readonly Lock _gate = new();

    private LockStore(string path, HashSet<string> stages, Dictionary<string, StageLock> entries)
    {
        _path = path;
        _stages = stages;
        _entries = entries;
    }

    public static LockStore Open(string path, PipelineSpec spec)
    {
        var entries = File.Exists(path)
            ? LockFile.Parse(File.ReadAllText(path), Path.GetFileName(path)).ToDictionary(e => e.Stage, StringComparer.Ordinal)
            : new Dictionary<string, StageLock>(StringComparer.Ordinal);
        return new LockStore(path, spec.Stages.Select(s => s.Name).ToHashSet(StringComparer.Ordinal), entries);
    }

    public StageLock? Find(string stage)
    {
        lock (_gate)
        {
            return _entries.GetValueOrDefault(stage);
        }
    }

    public void Record(StageLock entry)
    {
        lock (_gate)
        {
            _entries[entry.Stage] = entry;
            var text = LockFile.Serialize(_entries.Values.Where(e => _stages.Contains(e.Stage)));
            var temporary = _path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            File.WriteAllText(temporary, text, new UTF8Encoding(false));
            File.Move(temporary, _path, overwrite: true);
        }
    }
}
