namespace Keel.Core.Pipelines;

/// <summary>
/// Hands stages that became ready to whatever runs them: Quartz.NET's clustered job store on PostgreSQL (claimed by
/// <c>keel worker</c> processes), or an in-process runner on the embedded SQLite default. The caller has already moved
/// each stage Pending → Queued with <see cref="IPipelineStore.TryMoveStageAsync"/>, so a stage is dispatched once.
/// </summary>
public interface IPipelineDispatcher
{
    Task DispatchAsync(string runId, IReadOnlyList<string> stages, CancellationToken ct = default);
}
