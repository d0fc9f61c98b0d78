using System.Collections.Concurrent;
using Keel.Core.Pipelines;

namespace Keel.Server.Tests.Pipelines;

/// <summary>
/// A fake of the dispatcher port (not of Keel's storage): records each hand-over; can be told to fail, as an unreachable
/// job store would.
/// </summary>
internal sealed class RecordingDispatcher : IPipelineDispatcher
{
    private readonly ConcurrentQueue<(string RunId, string Stage)> _dispatched = new();

    public bool Fail { get; set; }

    public IReadOnlyList<(string RunId, string Stage)> Dispatched => [.. _dispatched];

    public IReadOnlyList<string> StagesOf(string runId) => [.. _dispatched.Where(d => d.RunId == runId).Select(d => d.Stage)];

    public Task DispatchAsync(string runId, IReadOnlyList<string> stages, CancellationToken ct = default)
    {
        if (Fail)
        {
            throw new InvalidOperationException("job store unreachable");
        }
        foreach (var stage in stages)
        {
            _dispatched.Enqueue((runId, stage));
        }
        return Task.CompletedTask;
    }
}
