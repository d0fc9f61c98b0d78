using Keel.Core.Common;
using Keel.Core.Data.Profiles;
using Keel.Core.Data.Validation;
using Keel.Data.Tabular;

namespace Keel.Data.Validation;

/// <summary>
/// Runs <see cref="DataExpectations"/> over a CSV or Parquet file: profiles it (<see cref="TabularProfiler"/>), makes
/// one more pass for the row-level rules (unique, allowed, drift) when there are any, and evaluates every rule
/// (<see cref="ExpectationEvaluator"/>).
/// </summary>
public static class TabularValidator
{
    public static async Task<ValidationReport> ValidateAsync(string path, DataExpectations expectations, DatasetProfile? reference, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(expectations);
        if (expectations.NeedsReference && reference is null)
        {
            var column = expectations.Columns.First(c => c.Drift is not null).Name;
            throw KeelException.InvalidParameter($"The drift rule of column '{column}' needs a reference dataset or profile (--reference).");
        }

        var profile = await TabularProfiler.ProfileAsync(path, ct);
        var columns = profile.Columns.Select(c => new TabularColumn(c.Name, c.Type)).ToList();
        var rows = new RowRuleCollector(expectations, [.. columns.Select(c => c.Name)], reference);
        if (rows.Columns.Count > 0)
        {
            await using var reader = await TabularReader.OpenAsync(path, columns, ct);
            while (await reader.ReadAsync(ct) is { } batch)
            {
                foreach (var c in rows.Columns)
                {
                    var cells = await batch.ColumnAsync(c, ct);
                    for (var r = 0; r < batch.RowCount; r++)
                    {
                        rows.Add(c, cells.Text(r), cells.Number(r));
                    }
                }
            }
        }
        return ExpectationEvaluator.Evaluate(expectations, profile, rows, reference);
    }

    /// <summary>
    /// A reference for drift rules: a saved profile (<c>.json</c>, <see cref="DatasetProfile.ToJson"/>) or a CSV or
    /// Parquet file, profiled now.
    /// </summary>
    public static async Task<DatasetProfile> LoadReferenceAsync(string path, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!Path.GetExtension(path).Equals(".json", StringComparison.OrdinalIgnoreCase))
        {
            return TabularFormats.IsTabular(path)
                ? await TabularProfiler.ProfileAsync(path, ct)
                : throw KeelException.InvalidParameter($"{path}: a reference must be a .csv, .parquet or profile .json file.");
        }
        if (!File.Exists(path))
        {
            throw KeelException.NotFound($"{path}: no such file.");
        }
        return DatasetProfile.Parse(await File.ReadAllTextAsync(path, ct), path);
    }
}
