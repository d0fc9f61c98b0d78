namespace Keel.Data.Remote;

/// <summary>Objects and bytes done, counted from parallel workers and reported after each object.</summary>
internal sealed class TransferCounter(long totalObjects, long totalBytes, IProgress<DataTransferProgress>? progress)
{
    private readonly Lock _gate = new();
    private long _objects;
    private long _bytes;

    public int Objects
    {
        get
        {
            lock (_gate)
            {
                return (int)_objects;
            }
        }
    }

    public long Bytes
    {
        get
        {
            lock (_gate)
            {
                return _bytes;
            }
        }
    }

    public void Done(long bytes)
    {
        DataTransferProgress now;
        lock (_gate)
        {
            _objects++;
            _bytes += bytes;
            now = new DataTransferProgress(_objects, _bytes, totalObjects, totalBytes);
        }
        progress?.Report(now);
    }
}
