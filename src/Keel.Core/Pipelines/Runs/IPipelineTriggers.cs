namespace Keel.Core.Pipelines.Runs;

/// <summary>
/// Events that start pipeline runs, told by the parts of Keel where they happen (the dataset registry, monitors). An
/// implementation triggers every pipeline whose triggers name the event's subject, and never throws: a failed trigger
/// must not fail what caused it.
/// </summary>
public interface IPipelineTriggers
{
    /// <summary>A new version of <paramref name="dataset"/> was stored.</summary>
    Task OnDatasetVersionAsync(string dataset, long version, CancellationToken ct = default);
}
