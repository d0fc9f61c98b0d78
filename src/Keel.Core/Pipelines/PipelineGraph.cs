using Keel.Core.Common;

namespace Keel.Core.Pipelines;

/// <summary>
/// The stage DAG of a pipeline. Stage B depends on stage A when one of B's path deps is, is inside, or contains one of
/// A's outs or metrics files. All lists of names are in topological order, ties broken by file order.
/// </summary>
public sealed class PipelineGraph
{
    private readonly Dictionary<string, StageSpec> stages;
    private readonly Dictionary<string, List<string>> upstream;
    private readonly Dictionary<string, List<string>> downstream;
    private readonly Dictionary<string, int> position;

    private PipelineGraph(PipelineSpec spec)
    {
        Spec = spec;
        stages = spec.Stages.ToDictionary(s => s.Name, StringComparer.Ordinal);
        upstream = spec.Stages.ToDictionary(s => s.Name, _ => new List<string>(), StringComparer.Ordinal);
        downstream = spec.Stages.ToDictionary(s => s.Name, _ => new List<string>(), StringComparer.Ordinal);
        var writers = spec.Stages.SelectMany(s => s.Writes.Select(path => (Path: path, Stage: s.Name))).ToList();
        foreach (var stage in spec.Stages)
        {
            var producers = stage.Deps.Where(d => !d.IsDataset)
                .SelectMany(d => writers.Where(w => w.Stage != stage.Name && PipelinePaths.Overlap(d.Path, w.Path)))
                .Select(w => w.Stage)
                .Distinct(StringComparer.Ordinal);
            foreach (var producer in producers)
            {
                upstream[stage.Name].Add(producer);
                downstream[producer].Add(stage.Name);
            }
        }
        TopologicalOrder = Sort(spec);
        position = TopologicalOrder.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i, StringComparer.Ordinal);
        foreach (var list in upstream.Values.Concat(downstream.Values))
        {
            list.Sort((a, b) => position[a].CompareTo(position[b]));
        }
    }

    /// <summary>The pipeline the graph was built from.</summary>
    public PipelineSpec Spec { get; }

    /// <summary>Every stage name, each after all its upstream stages (ties in file order).</summary>
    public IReadOnlyList<string> TopologicalOrder { get; }

    /// <summary>Builds the graph; a cycle throws INVALID_PARAMETER_VALUE naming it (<c>prepare → train → prepare</c>).</summary>
    public static PipelineGraph Build(PipelineSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new PipelineGraph(spec);
    }

    /// <summary>The stage named <paramref name="name"/>; unknown names throw INVALID_PARAMETER_VALUE listing the known stages.</summary>
    public StageSpec Stage(string name) => stages.TryGetValue(name, out var stage) ? stage : throw Unknown(name);

    /// <summary>Stages whose outs <paramref name="stage"/> reads directly.</summary>
    public IReadOnlyList<string> Upstream(string stage) => upstream.TryGetValue(stage, out var list) ? list : throw Unknown(stage);

    /// <summary>Stages that read <paramref name="stage"/>'s outs directly.</summary>
    public IReadOnlyList<string> Downstream(string stage) => downstream.TryGetValue(stage, out var list) ? list : throw Unknown(stage);

    /// <summary>Every stage <paramref name="stage"/> depends on, directly or not.</summary>
    public IReadOnlyList<string> AllUpstream(string stage) => Reach([stage], upstream, includeStart: false);

    /// <summary>Every stage that depends on <paramref name="stage"/>, directly or not (what a failure of it cancels).</summary>
    public IReadOnlyList<string> AllDownstream(string stage) => Reach([stage], downstream, includeStart: false);

    /// <summary>
    /// The stages to run for <paramref name="targets"/> (all stages when empty): the targets plus everything upstream of
    /// them, in topological order. A target may name a <c>foreach</c>/<c>matrix</c> template (<c>train</c> selects every
    /// <c>train@…</c>). An unknown target throws INVALID_PARAMETER_VALUE listing the known stages.
    /// </summary>
    public IReadOnlyList<string> Select(IReadOnlyCollection<string> targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        if (targets.Count == 0)
        {
            return TopologicalOrder;
        }
        var chosen = new List<string>();
        foreach (var target in targets)
        {
            var matches = stages.ContainsKey(target)
                ? [target]
                : TopologicalOrder.Where(n => n.StartsWith(target + "@", StringComparison.Ordinal)).ToList();
            chosen.AddRange(matches.Count > 0 ? matches : throw Unknown(target));
        }
        return Reach(chosen, upstream, includeStart: true);
    }

    /// <summary>The stage whose out (or metrics file) is <paramref name="path"/> or a folder containing it; null when none.</summary>
    public string? ProducerOf(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var normal = PipelinePaths.Normalize(path, out _);
        return normal is null ? null : Spec.Stages.FirstOrDefault(s => s.Writes.Any(w => PipelinePaths.IsWithin(normal, w)))?.Name;
    }

    private List<string> Reach(IEnumerable<string> start, Dictionary<string, List<string>> edges, bool includeStart)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<string>();
        foreach (var name in start)
        {
            if (!edges.ContainsKey(name))
            {
                throw Unknown(name);
            }
            if (includeStart && seen.Add(name))
            {
                queue.Enqueue(name);
            }
            else if (!includeStart)
            {
                queue.Enqueue(name);
            }
        }
        while (queue.TryDequeue(out var name))
        {
            foreach (var next in edges[name].Where(seen.Add))
            {
                queue.Enqueue(next);
            }
        }
        return [.. seen.OrderBy(n => position[n])];
    }

    // Kahn's algorithm, always taking the ready stage that comes first in the file.
    private List<string> Sort(PipelineSpec spec)
    {
        var index = spec.Stages.Select((s, i) => (s.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
        var waiting = upstream.ToDictionary(p => p.Key, p => p.Value.Count, StringComparer.Ordinal);
        var ready = new SortedSet<int>(spec.Stages.Where(s => waiting[s.Name] == 0).Select(s => index[s.Name]));
        var order = new List<string>(spec.Stages.Count);
        while (ready.Count > 0)
        {
            var next = spec.Stages[ready.Min].Name;
            ready.Remove(ready.Min);
            order.Add(next);
            foreach (var child in downstream[next].Where(child => --waiting[child] == 0))
            {
                ready.Add(index[child]);
            }
        }
        if (order.Count < spec.Stages.Count)
        {
            throw Cycle(spec, waiting.Where(w => w.Value > 0).Select(w => w.Key).ToHashSet(StringComparer.Ordinal));
        }
        return order;
    }

    // Walks upstream from the first stuck stage until a stage repeats: that loop is the cycle.
    private KeelException Cycle(PipelineSpec spec, HashSet<string> stuck)
    {
        var path = new List<string> { spec.Stages.First(s => stuck.Contains(s.Name)).Name };
        while (true)
        {
            var next = upstream[path[^1]].First(stuck.Contains);
            var seenAt = path.IndexOf(next);
            if (seenAt >= 0)
            {
                var loop = path.Skip(seenAt).Reverse().ToList();
                // Start at the stage that comes first in the file, so the message reads in the file's order.
                var start = loop.IndexOf(spec.Stages.First(s => loop.Contains(s.Name)).Name);
                loop = [.. loop.Skip(start), .. loop.Take(start)];
                loop.Add(loop[0]);
                var first = stages[loop[0]];
                return PipelineFileRules.Fail(spec, first, "deps", "deps", $"cycle {string.Join(" → ", loop)}");
            }
            path.Add(next);
        }
    }

    private KeelException Unknown(string name) =>
        KeelException.InvalidParameter(
            $"{Spec.FileName}: unknown stage '{name}'; the stages are {string.Join(", ", Spec.Stages.Select(s => s.Name))}.");
}
