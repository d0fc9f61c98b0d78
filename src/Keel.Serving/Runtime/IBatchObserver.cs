namespace Keel.Serving.Runtime;

/// <summary>Told about every predictor call the batcher makes (for the batch-size histogram on /metrics).</summary>
public interface IBatchObserver
{
    void OnBatch(ServedVersion version, int requests, int rows, TimeSpan elapsed);
}
