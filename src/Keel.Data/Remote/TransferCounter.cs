namespace Keel.Data.Remote;

/// <summary>Objects and bytes done, counted from parallel workers and reported after each object.</summary>
internal sealed class TransferCounter(long totalObjects, long totalBytes, IProgress<DataTransferProgress>? progress)
{
    private long _totalObjects = totalObjects;
    private long _totalBytes = totalBytes;
    private readonly Lock _gate = new();
    private long _objects;
    private long _bytes;
    private int _direct;

    /// <summary>Objects moved straight to or from the object store (counted in <see cref="Objects"/> too).</summary>
    public int DirectObjects => Volatile.Read(ref _direct);

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
            now = new DataTransferProgress(_objects, _bytes, _totalObjects, _totalBytes);
        }
        progress?.Report(now);
    }

    /// <summary>Counts an object moved with a presigned URL.</summary>
    public void DoneDirect(long bytes)
    {
        Interlocked.Increment(ref _direct);
        Done(bytes);
    }

    /// <summary>Counts an object that was not planned (a delta base found missing on the way), raising the totals with it.</summary>
    public void DoneExtra(long bytes)
    {
        lock (_gate)
        {
            _totalObjects++;
            _totalBytes += bytes;
        }
        Done(bytes);
    }
}
