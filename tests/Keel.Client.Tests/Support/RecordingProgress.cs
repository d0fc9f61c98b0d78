using System.Collections.Concurrent;

namespace Keel.Client.Tests.Support;

/// <summary>Records every report synchronously (unlike <see cref="Progress{T}"/>, which posts them later).</summary>
internal sealed class RecordingProgress : IProgress<long>
{
    private readonly ConcurrentQueue<long> _values = new();

    public IReadOnlyList<long> Values => [.. _values];

    public void Report(long value) => _values.Enqueue(value);
}
