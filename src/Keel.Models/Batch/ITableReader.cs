namespace Keel.Models.Batch;

/// <summary>Reads a table a chunk at a time; only the columns selected by <see cref="Select"/> are kept.</summary>
internal interface ITableReader : IAsyncDisposable
{
    IReadOnlyList<string> Header { get; }

    long BytesRead { get; }

    /// <summary>The input's size in bytes, or 0 when unknown.</summary>
    long TotalBytes { get; }

    /// <summary>Restricts reading to these header positions.</summary>
    void Select(IReadOnlySet<int> columns);

    /// <summary>What a kept column's values are copied as: <c>string</c> for text formats, the stored type otherwise.</summary>
    Type KeptType(int column);

    /// <summary>The next chunk of at most <paramref name="maxRows"/> rows, or null at the end.</summary>
    ValueTask<RawChunk?> ReadAsync(int maxRows, CancellationToken ct);
}

/// <summary>Writes scored rows: the same named columns, of the same CLR element types, chunk after chunk.</summary>
internal interface ITableWriter : IAsyncDisposable
{
    ValueTask WriteAsync(IReadOnlyList<OutputColumn> columns, CancellationToken ct);
}

/// <summary>One output column: values of a scalar element type (or its nullable form), one per row.</summary>
internal sealed record OutputColumn(string Name, Array Values);
