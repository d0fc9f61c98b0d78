using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using Keel.Core.Common;
using Keel.Core.Data;
using Keel.Core.Data.Manifests;
using Keel.Core.Data.Profiles;
using Keel.Core.Datasets;
using Keel.Core.Monitoring.Statistics;
using Keel.Data.Tabular;

namespace Keel.Monitoring.Runner;

/// <summary>
/// Reads a dataset version's CSV and Parquet rows from the server's data objects (its manifest, then its chunks,
/// each checked against its hash) into one column of values per name. A folder's tables are stacked; a column
/// missing from one of them is missing for its rows. Numeric and boolean (as 0/1) columns become numeric values, the
/// rest categorical text. Loaded versions are cached (by dataset and version, which are immutable).
/// </summary>
internal sealed class DatasetTableReader(DataObjectStore objects)
{
    private const int MaxCached = 8;

    private readonly ConcurrentDictionary<(string Name, long Version), Lazy<Task<ReferenceTable>>> _cache = new();
    private readonly ConcurrentQueue<(string, long)> _order = new();

    /// <summary>The version's table; a version with no CSV or Parquet file throws INVALID_PARAMETER_VALUE saying so.</summary>
    public async Task<ReferenceTable> ReadAsync(DatasetVersion version, CancellationToken ct)
    {
        var key = (version.Name, version.Version);
        var entry = _cache.GetOrAdd(key, _ => new Lazy<Task<ReferenceTable>>(() => LoadAsync(version, CancellationToken.None)));
        try
        {
            var table = await entry.Value.WaitAsync(ct);
            Remember(key);
            return table;
        }
        catch when (entry.Value.IsFaulted || entry.Value.IsCanceled)
        {
            // A failed load (an object missing for now, say) is retried next time rather than remembered.
            _cache.TryRemove(new KeyValuePair<(string, long), Lazy<Task<ReferenceTable>>>(key, entry));
            throw;
        }
    }

    private void Remember((string, long) key)
    {
        if (_order.Contains(key))
        {
            return;
        }
        _order.Enqueue(key);
        while (_order.Count > MaxCached && _order.TryDequeue(out var oldest))
        {
            _cache.TryRemove(oldest, out _);
        }
    }

    private async Task<ReferenceTable> LoadAsync(DatasetVersion version, CancellationToken ct)
    {
        DataManifest manifest;
        await using (var stream = await objects.OpenReadAsync(version.ManifestHash, ct))
        using (var buffer = new MemoryStream())
        {
            await stream.CopyToAsync(buffer, ct);
            manifest = DataManifest.Parse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        }
        var tables = manifest.Files.Where(f => TabularFormats.IsTabular(f.Path)).ToList();
        if (tables.Count == 0)
        {
            throw KeelException.InvalidParameter($"Dataset '{version.Name}' version {version.Version} holds no CSV or Parquet file to compare with.");
        }
        var columns = new ColumnSet();
        foreach (var file in tables)
        {
            var path = Path.Combine(Path.GetTempPath(), $"keel-reference-{Guid.NewGuid():N}{Path.GetExtension(file.Path).ToLowerInvariant()}");
            try
            {
                await CopyChunksAsync(file, path, ct);
                await columns.AddFileAsync(path, ct);
            }
            finally
            {
                File.Delete(path);
            }
        }
        return columns.ToTable();
    }

    private async Task CopyChunksAsync(ManifestFile file, string path, CancellationToken ct)
    {
        await using var target = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        foreach (var chunk in file.Chunks)
        {
            await using var source = await objects.OpenReadAsync(chunk.Hash, ct);
            using var bytes = new MemoryStream();
            await source.CopyToAsync(bytes, ct);
            var actual = Convert.ToHexStringLower(SHA256.HashData(bytes.GetBuffer().AsSpan(0, (int)bytes.Length)));
            if (!string.Equals(actual, chunk.Hash, StringComparison.Ordinal))
            {
                throw new KeelException(ErrorCode.InternalError, $"Data object {chunk.Hash} of '{file.Path}' is corrupt (its bytes hash to {actual}).");
            }
            await target.WriteAsync(bytes.GetBuffer().AsMemory(0, (int)bytes.Length), ct);
        }
    }

    /// <summary>Columns gathered over one or more files; each keeps its text and, while every file has it numeric, its numbers.</summary>
    private sealed class ColumnSet
    {
        private readonly Dictionary<string, Column> _columns = new(StringComparer.Ordinal);
        private readonly List<string> _names = [];
        private int _rows;

        public async Task AddFileAsync(string path, CancellationToken ct)
        {
            await using var reader = await TabularReader.OpenAsync(path, null, ct);
            var columns = reader.Columns.Select(c => Get(c.Name)).ToArray();
            var kinds = reader.Columns.Select(c => c.Type).ToArray();
            foreach (var (column, type) in columns.Zip(kinds))
            {
                column.Numeric &= ColumnKinds.IsNumeric(type) || type == ColumnKinds.Flag;
            }
            while (await reader.ReadAsync(ct) is { } batch)
            {
                for (var c = 0; c < columns.Length; c++)
                {
                    var cells = await batch.ColumnAsync(c, ct);
                    var column = columns[c];
                    column.PadTo(_rows);
                    for (var r = 0; r < batch.RowCount; r++)
                    {
                        var text = cells.Text(r);
                        column.Texts.Add(text);
                        column.Numbers.Add(kinds[c] == ColumnKinds.Flag
                            ? text switch { "true" => 1, "false" => 0, _ => double.NaN }
                            : cells.Number(r) ?? double.NaN);
                    }
                }
                _rows += batch.RowCount;
            }
        }

        public ReferenceTable ToTable()
        {
            var values = new Dictionary<string, FeatureValues>(StringComparer.Ordinal);
            foreach (var name in _names)
            {
                var column = _columns[name];
                column.PadTo(_rows);
                values[name] = column.Numeric
                    ? FeatureValues.Numeric(name, [.. column.Numbers])
                    : FeatureValues.Categorical(name, [.. column.Texts]);
            }
            return new ReferenceTable(_rows, values) { Names = _names };
        }

        private Column Get(string name)
        {
            if (!_columns.TryGetValue(name, out var column))
            {
                column = new Column();
                _columns[name] = column;
                _names.Add(name);
            }
            return column;
        }
    }

    private sealed class Column
    {
        public bool Numeric { get; set; } = true;

        public List<double> Numbers { get; } = [];

        public List<string?> Texts { get; } = [];

        // A column first seen in a later file (or absent from one) is missing for the rows before.
        public void PadTo(int rows)
        {
            while (Texts.Count < rows)
            {
                Texts.Add(null);
                Numbers.Add(double.NaN);
            }
        }
    }

    internal static string Describe(DatasetVersion version) => string.Create(CultureInfo.InvariantCulture, $"dataset {version.Name} v{version.Version}");
}
