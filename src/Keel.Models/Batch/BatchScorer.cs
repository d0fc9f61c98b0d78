using CsvHelper;
using Keel.Core.Common;
using Keel.Core.Models;

namespace Keel.Models.Batch;

/// <summary>
/// Scores a table with a model a chunk at a time, so memory follows the chunk size rather than the file: each
/// chunk's cells are parsed into the model's input types row by row, rows that do not fit go to the rejects with
/// the reason, and the rest are predicted together and written with their row numbers, in input order.
/// </summary>
public static class BatchScorer
{
    private const int SampleRejects = 5;
    private const int FileBufferBytes = 1024 * 1024;

    /// <summary>
    /// Scores the file at <paramref name="inputPath"/> into <paramref name="outputPath"/> (formats by extension:
    /// <c>.csv</c>, <c>.parquet</c>), writing rejected rows as CSV (<c>row,reason</c>) to
    /// <paramref name="rejectsPath"/> when given. The output files are created only once the input's header has
    /// every column the model requires.
    /// </summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE: an unknown extension, or required columns missing from the header (all named).</exception>
    public static async Task<BatchScoringResult> ScoreFileAsync(
        IPredictor model, string inputPath, string outputPath, string? rejectsPath,
        BatchScoringOptions? options = null, IProgress<BatchProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        var inputFormat = RequireFormat(inputPath);
        var outputFormat = RequireFormat(outputPath);
        await using var input = new FileStream(inputPath, FileMode.Open, FileAccess.Read, FileShare.Read, FileBufferBytes, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using var reader = await OpenReaderAsync(input, inputFormat, ct);
        var scoring = Prepare(model, reader, options ?? new BatchScoringOptions());
        await using var output = await OpenWriterAsync(outputPath, outputFormat);
        await using var rejects = rejectsPath is null ? null : new RejectsWriter(CreateFile(rejectsPath), leaveOpen: false);
        return await scoring.RunAsync(output, rejects, progress, ct);
    }

    /// <summary>
    /// Scores <paramref name="input"/> into <paramref name="output"/>, rejected rows to <paramref name="rejects"/>
    /// (CSV, when given); nothing is written when the header lacks a required column. Parquet input must be
    /// seekable. The streams are left open.
    /// </summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE: required columns missing from the header (all named).</exception>
    public static async Task<BatchScoringResult> ScoreAsync(
        IPredictor model, Stream input, TableFormat inputFormat, Stream output, TableFormat outputFormat, Stream? rejects,
        BatchScoringOptions? options = null, IProgress<BatchProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        await using var reader = await OpenReaderAsync(input, inputFormat, ct, leaveOpen: true);
        var scoring = Prepare(model, reader, options ?? new BatchScoringOptions());
        await using ITableWriter writer = outputFormat == TableFormat.Csv ? new CsvTableWriter(output, leaveOpen: true) : new ParquetTableWriter(output, leaveOpen: true);
        await using var rejectsWriter = rejects is null ? null : new RejectsWriter(rejects, leaveOpen: true);
        return await scoring.RunAsync(writer, rejectsWriter, progress, ct);
    }

    private static ChunkScoring Prepare(IPredictor model, ITableReader reader, BatchScoringOptions options)
    {
        if (options.ChunkRows < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.ChunkRows, "ChunkRows must be at least 1.");
        }

        var outputNames = OutputColumns.Empty(model.Outputs).Select(c => c.Name).ToList();
        var plan = ScoringPlan.Create(model, reader.Header, options, outputNames);
        reader.Select(plan.Columns);
        return new ChunkScoring(model, reader, plan, options);
    }

    private static TableFormat RequireFormat(string path) => BatchScoringOptions.FormatOf(path)
        ?? throw KeelException.InvalidParameter($"'{path}': expected a .csv or .parquet file.");

    private static async Task<ITableReader> OpenReaderAsync(Stream input, TableFormat format, CancellationToken ct, bool leaveOpen = true) =>
        format == TableFormat.Csv
            ? await CsvTableReader.OpenAsync(input, leaveOpen, ct)
            : await ParquetTableReader.OpenAsync(input, leaveOpen, ct);

    private static Task<ITableWriter> OpenWriterAsync(string path, TableFormat format)
    {
        var stream = CreateFile(path);
        return Task.FromResult<ITableWriter>(format == TableFormat.Csv ? new CsvTableWriter(stream, leaveOpen: false) : new ParquetTableWriter(stream, leaveOpen: false));
    }

    private static FileStream CreateFile(string path)
    {
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } folder)
        {
            Directory.CreateDirectory(folder);
        }

        return new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.Read, FileBufferBytes, FileOptions.Asynchronous);
    }

    /// <summary>The read → parse → predict → write loop for one input.</summary>
    private sealed class ChunkScoring(IPredictor model, ITableReader reader, ScoringPlan plan, BatchScoringOptions options)
    {
        private readonly List<RejectedRow> _sample = [];
        private long _scored;
        private long _rejected;
        private bool _wroteAny;

        public async Task<BatchScoringResult> RunAsync(ITableWriter output, RejectsWriter? rejects, IProgress<BatchProgress>? progress, CancellationToken ct)
        {
            var started = options.Time.GetTimestamp();
            long rowsRead = 0;
            while (await reader.ReadAsync(options.ChunkRows, ct) is { } chunk)
            {
                ct.ThrowIfCancellationRequested();
                await ScoreChunkAsync(chunk, output, rejects, ct);
                rowsRead += chunk.RowCount;
                progress?.Report(new BatchProgress(reader.BytesRead, reader.TotalBytes, rowsRead));
            }

            if (!_wroteAny)
            {
                var empty = OutputColumns.Empty(model.Outputs);
                empty.Insert(0, new OutputColumn(options.RowColumn, Array.Empty<long>()));
                empty.AddRange(plan.Kept.Select(k => new OutputColumn(k.Name, Array.CreateInstance(reader.KeptType(k.Column), 0))));
                await output.WriteAsync(empty, ct);
            }

            return new BatchScoringResult(_scored, _rejected, options.Time.GetElapsedTime(started)) { FirstRejects = _sample };
        }

        private async Task ScoreChunkAsync(RawChunk chunk, ITableWriter output, RejectsWriter? rejects, CancellationToken ct)
        {
            var errors = (string?[])chunk.RowErrors.Clone();
            var parsed = plan.Inputs.Select(i => (i.Input, Values: CellParser.Parse(chunk.Columns[i.Column]!, i.Input.Name, i.Input.Type, errors))).ToList();
            var good = Enumerable.Range(0, chunk.RowCount).Where(r => errors[r] is null).ToList();
            if (good.Count > 0)
            {
                var batch = new DataBatch([.. parsed.Select(p => new DataColumn(p.Input.Name, p.Input.Type, OutputColumns.Take(p.Values, good)))]);
                List<OutputColumn> predicted;
                try
                {
                    predicted = OutputColumns.Flatten(model.Predict(batch));
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Something only the model sees (a value outside what it was trained on, say): find the rows one by one.
                    (predicted, good) = PredictRowByRow(batch, good, errors);
                }

                if (good.Count > 0)
                {
                    var columns = new List<OutputColumn>(predicted.Count + plan.Kept.Count + 1)
                    {
                        new(options.RowColumn, good.Select(r => chunk.FirstRow + r).ToArray()),
                    };
                    columns.AddRange(predicted);
                    columns.AddRange(plan.Kept.Select(k => new OutputColumn(k.Name, KeptValues(chunk.Columns[k.Column]!, good))));
                    await output.WriteAsync(columns, ct);
                    _wroteAny = true;
                    _scored += good.Count;
                }
            }

            for (var r = 0; r < chunk.RowCount; r++)
            {
                if (errors[r] is { } reason)
                {
                    _rejected++;
                    var row = new RejectedRow(chunk.FirstRow + r, reason);
                    if (_sample.Count < SampleRejects)
                    {
                        _sample.Add(row);
                    }

                    rejects?.Write(row);
                }
            }
        }

        private (List<OutputColumn> Predicted, List<int> Good) PredictRowByRow(DataBatch batch, List<int> rows, string?[] errors)
        {
            var parts = new List<List<OutputColumn>>();
            var good = new List<int>();
            for (var i = 0; i < rows.Count; i++)
            {
                var single = new DataBatch([.. batch.Columns.Select(c => new DataColumn(c.Name, c.Type, OutputColumns.Take(c.Values, [i])))]);
                try
                {
                    parts.Add(OutputColumns.Flatten(model.Predict(single)));
                    good.Add(rows[i]);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    errors[rows[i]] = $"the model failed on this row: {e.Message}";
                }
            }

            return (parts.Count == 0 ? [] : OutputColumns.Concat(parts), good);
        }

        private static Array KeptValues(RawColumn column, List<int> rows) => column switch
        {
            TypedColumn typed => OutputColumns.Take(typed.Values, rows),
            _ => rows.Select(column.Text).ToArray(),
        };
    }

    /// <summary>The rejects file: <c>row,reason</c>, one line per rejected row.</summary>
    private sealed class RejectsWriter : IAsyncDisposable
    {
        private readonly CsvWriter _csv;

        public RejectsWriter(Stream stream, bool leaveOpen)
        {
            _csv = CsvWriter.Create(stream, new CsvWriterOptions { NewLine = "\n" }, leaveOpen);
            _csv.WriteHeader(["row", "reason"]);
        }

        public void Write(RejectedRow row)
        {
            _csv.WriteField(row.Row, default);
            _csv.WriteField(row.Reason);
            _csv.EndRecord();
        }

        public ValueTask DisposeAsync() => _csv.DisposeAsync();
    }
}
