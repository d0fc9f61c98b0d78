using Keel.Core.Common;
using Keel.Core.Deployments;

namespace Keel.Core.Tests.Deployments;

/// <summary>The deployment port in memory, for service tests without IO.</summary>
internal sealed class InMemoryDeploymentStore : IDeploymentStore
{
    private readonly Dictionary<string, List<Deployment>> _revisions = new(StringComparer.Ordinal);

    public Task<Deployment> CreateAsync(DeploymentSpec spec, long now, CancellationToken ct = default)
    {
        if (_revisions.ContainsKey(spec.Name))
        {
            throw KeelException.AlreadyExists($"Deployment '{spec.Name}' already exists.");
        }
        var deployment = new Deployment(spec, 1, now, now);
        _revisions[spec.Name] = [deployment];
        return Task.FromResult(deployment);
    }

    public Task<Deployment> AddRevisionAsync(DeploymentSpec spec, long now, long? expectedRevision = null, CancellationToken ct = default)
    {
        var list = _revisions.GetValueOrDefault(spec.Name) ?? throw KeelException.NotFound($"Deployment '{spec.Name}' not found.");
        var current = list[^1];
        if (expectedRevision is { } expected && expected != current.Revision)
        {
            throw new KeelException(ErrorCode.InvalidState, "changed");
        }
        var next = new Deployment(spec, current.Revision + 1, current.CreationTimestamp, now);
        list.Add(next);
        return Task.FromResult(next);
    }

    public Task<Deployment?> GetAsync(string name, CancellationToken ct = default) =>
        Task.FromResult(_revisions.GetValueOrDefault(name)?[^1]);

    public Task<IReadOnlyList<Deployment>> ListAsync(CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<Deployment>>(_revisions.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Value[^1]).ToArray());

    public Task<IReadOnlyList<Deployment>> GetHistoryAsync(string name, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<Deployment>>(_revisions.GetValueOrDefault(name)?.AsEnumerable().Reverse().ToArray() ?? []);

    public Task DeleteAsync(string name, CancellationToken ct = default) =>
        _revisions.Remove(name) ? Task.CompletedTask : throw KeelException.NotFound($"Deployment '{name}' not found.");
}
