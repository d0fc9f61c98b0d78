using Keel.Data.Remote;

namespace Keel.Data.Tests.Remote;

/// <summary>Records reports synchronously and runs an action on each (to cancel a transfer midway).</summary>
internal sealed class RecordingTransferProgress(Action<DataTransferProgress>? onReport = null) : IProgress<DataTransferProgress>
{
    private readonly List<DataTransferProgress> _reports = [];
    private readonly Lock _gate = new();

    public IReadOnlyList<DataTransferProgress> Reports
    {
        get
        {
            lock (_gate)
            {
                return [.. _reports];
            }
        }
    }

    public void Report(DataTransferProgress value)
    {
        lock (_gate)
        {
            _reports.Add(value);
        }
        onReport?.Invoke(value);
    }
}
