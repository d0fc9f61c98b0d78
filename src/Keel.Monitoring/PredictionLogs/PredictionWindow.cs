using System.Globalization;
using Keel.Core.Common;
using Keel.Core.Monitoring.PredictionLogs;
using Keel.Core.Monitoring.Statistics;

namespace Keel.Monitoring.PredictionLogs;

/// <summary>
/// The logged predictions of one deployment in a time window, with their ground truth joined. Shadow rows are kept in
/// <see cref="Records"/> (for comparisons) but left out of <see cref="Input"/>, <see cref="Output"/> and
/// <see cref="Labelled"/>: they are not what callers received.
/// </summary>
public sealed class PredictionWindow
{
    private readonly Dictionary<string, CellKind> _inputKinds;
    private readonly Dictionary<string, CellKind> _outputKinds;
    private readonly Dictionary<(string RequestId, int Row), GroundTruth> _labels;

    internal PredictionWindow(
        IReadOnlyList<PredictionRecord> records, IReadOnlyList<KeyValuePair<string, CellKind>> inputs, IReadOnlyList<KeyValuePair<string, CellKind>> outputs,
        IEnumerable<GroundTruth> labels)
    {
        Records = records;
        (_inputKinds, InputNames) = Merge(inputs);
        (_outputKinds, OutputNames) = Merge(outputs);
        _labels = [];
        foreach (var label in labels)
        {
            // Latest wins; among labels received at the same instant, the one read last.
            var key = (label.RequestId, label.Row);
            if (!_labels.TryGetValue(key, out var seen) || seen.ReceivedAt <= label.ReceivedAt)
            {
                _labels[key] = label;
            }
        }
    }

    /// <summary>The records with a timestamp in the window, oldest first (shadow rows included).</summary>
    public IReadOnlyList<PredictionRecord> Records { get; }

    /// <summary>Every input column seen in the window, in the order first seen.</summary>
    public IReadOnlyList<string> InputNames { get; }

    /// <summary>Every output column seen in the window, in the order first seen.</summary>
    public IReadOnlyList<string> OutputNames { get; }

    /// <summary>
    /// One input's values over the non-shadow rows: numeric (NaN for missing; bools as 0 and 1) when every segment
    /// logged the column as double, int64 or bool, else categorical (invariant text, null for missing).
    /// </summary>
    /// <exception cref="KeelException">RESOURCE_DOES_NOT_EXIST when no row of the window has that input.</exception>
    public FeatureValues Input(string name) => Values(name, _inputKinds, r => r.Inputs, "input");

    /// <summary>One output's values over the non-shadow rows, typed as for <see cref="Input"/>.</summary>
    /// <exception cref="KeelException">RESOURCE_DOES_NOT_EXIST when no row of the window has that output.</exception>
    public FeatureValues Output(string name) => Values(name, _outputKinds, r => r.Outputs, "output");

    /// <summary>The non-shadow rows that have ground truth (the latest label received for their request id and row), oldest first.</summary>
    public IReadOnlyList<(PredictionRecord Record, GroundTruth Label)> Labelled()
    {
        var labelled = new List<(PredictionRecord, GroundTruth)>();
        foreach (var record in Records)
        {
            if (!record.Shadow && _labels.TryGetValue((record.RequestId, record.Row), out var label))
            {
                labelled.Add((record, label));
            }
        }
        return labelled;
    }

    private FeatureValues Values(
        string name, Dictionary<string, CellKind> kinds, Func<PredictionRecord, IReadOnlyDictionary<string, object?>> cells, string what)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!kinds.TryGetValue(name, out var kind))
        {
            throw KeelException.NotFound($"No logged prediction in the window has {what} '{name}'.");
        }

        var rows = Records.Where(r => !r.Shadow).ToList();
        if (kind != CellKind.Text)
        {
            var numbers = new double[rows.Count];
            for (var i = 0; i < rows.Count; i++)
            {
                numbers[i] = cells(rows[i]).GetValueOrDefault(name) switch
                {
                    double d => d,
                    long l => l,
                    bool b => b ? 1 : 0,
                    _ => double.NaN,
                };
            }
            return FeatureValues.Numeric(name, numbers);
        }

        var categories = new string?[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            categories[i] = cells(rows[i]).GetValueOrDefault(name) switch
            {
                null => null,
                string s => s,
                bool b => b ? "true" : "false",
                double d => d.ToString("R", CultureInfo.InvariantCulture),
                var other => Convert.ToString(other, CultureInfo.InvariantCulture),
            };
        }
        return FeatureValues.Categorical(name, categories);
    }

    // A column is numeric only if no segment logged it as text; a column of nulls only takes no side.
    private static (Dictionary<string, CellKind> Kinds, IReadOnlyList<string> Names) Merge(IReadOnlyList<KeyValuePair<string, CellKind>> columns)
    {
        var kinds = new Dictionary<string, CellKind>(StringComparer.Ordinal);
        var names = new List<string>();
        foreach (var (name, kind) in columns)
        {
            if (!kinds.TryGetValue(name, out var seen))
            {
                names.Add(name);
                kinds[name] = kind;
                continue;
            }
            kinds[name] = seen == CellKind.Text || kind == CellKind.Text ? CellKind.Text
                : seen == CellKind.None ? kind
                : kind == CellKind.None ? seen
                : seen == kind ? seen
                : CellKind.Real;
        }
        return (kinds, names);
    }
}
