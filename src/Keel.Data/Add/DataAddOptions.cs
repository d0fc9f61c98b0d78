using Keel.Core.Data.Chunking;

namespace Keel.Data.Add;

/// <summary>How <see cref="DataAdder"/> splits, hashes and labels data.</summary>
public sealed class DataAddOptions
{
    /// <summary>Chunk size limits for new or changed files [default: 256 KiB / 1 MiB / 4 MiB]. Unchanged files keep
    /// the chunks the stat cache remembers, so re-adding them gives the same manifest whatever these are.</summary>
    public ChunkerOptions Chunker { get; init; } = ChunkerOptions.Default;

    /// <summary>Files hashed at once, each by one worker streaming it [default: <see cref="Environment.ProcessorCount"/>].
    /// Memory is bounded by this times twice the maximum chunk size.</summary>
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>Dataset name written into the pointer file [default: none, or the name an existing pointer already has].</summary>
    public string? Dataset { get; init; }

    /// <summary>Clock for the elapsed time of each result [default: <see cref="TimeProvider.System"/>].</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}

/// <summary>Bytes of file content processed so far (hashed, or vouched for by the stat cache) out of all to add.</summary>
public readonly record struct DataAddProgress(long BytesDone, long TotalBytes);
