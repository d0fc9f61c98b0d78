namespace Keel.Models.Batch;

/// <summary>The file formats batch scoring reads and writes.</summary>
public enum TableFormat
{
    /// <summary>RFC 4180 comma-separated values, UTF-8, with a header row.</summary>
    Csv,

    /// <summary>Apache Parquet.</summary>
    Parquet,
}

/// <summary>How <see cref="BatchScorer"/> reads, scores and writes a table.</summary>
public sealed class BatchScoringOptions
{
    /// <summary>Rows read, validated and scored at a time; memory grows with it, not with the file. Default 10,000.</summary>
    public int ChunkRows { get; init; } = 10_000;

    /// <summary>Whether the output also carries every input column after the predictions. Default false.</summary>
    public bool KeepColumns { get; init; }

    /// <summary>The output column holding each scored row's 1-based data row number in the input. Default <c>row</c>.</summary>
    public string RowColumn { get; init; } = "row";

    /// <summary>The clock <see cref="BatchScoringResult.Elapsed"/> is measured with. Default the system's.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>The format of a path by its extension (<c>.csv</c>, <c>.parquet</c>/<c>.pq</c>), or null for any other.</summary>
    public static TableFormat? FormatOf(string path) => Path.GetExtension(path).ToUpperInvariant() switch
    {
        ".CSV" => TableFormat.Csv,
        ".PARQUET" or ".PQ" => TableFormat.Parquet,
        _ => null,
    };
}

/// <summary>How far scoring has got: input bytes consumed of the total, and rows read so far.</summary>
public readonly record struct BatchProgress(long BytesRead, long TotalBytes, long RowsRead);

/// <summary>
/// What a finished scoring pass did: rows written to the output, rows sent to the rejects (each with its reason),
/// and the wall time, in which <see cref="RowsPerSecond"/> counts every row read.
/// </summary>
public sealed record BatchScoringResult(long RowsScored, long RowsRejected, TimeSpan Elapsed)
{
    /// <summary>The first few rejected rows (at most 5), for a summary when no rejects file was asked for.</summary>
    public IReadOnlyList<RejectedRow> FirstRejects { get; init; } = [];

    public long RowsRead => RowsScored + RowsRejected;

    public double RowsPerSecond => Elapsed > TimeSpan.Zero ? RowsRead / Elapsed.TotalSeconds : 0;
}

/// <summary>A row that was not scored: its 1-based data row number in the input and why.</summary>
public sealed record RejectedRow(long Row, string Reason);
