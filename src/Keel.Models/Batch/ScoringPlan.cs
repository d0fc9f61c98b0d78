using Keel.Core.Common;
using Keel.Core.Models;
using Keel.Models.Packages;

namespace Keel.Models.Batch;

/// <summary>Which header column feeds which model input, and which input columns are copied to the output.</summary>
internal sealed class ScoringPlan
{
    private ScoringPlan(IReadOnlyList<(ColumnSchema Input, int Column)> inputs, IReadOnlyList<(string Name, int Column)> kept)
    {
        Inputs = inputs;
        Kept = kept;
    }

    public IReadOnlyList<(ColumnSchema Input, int Column)> Inputs { get; }

    public IReadOnlyList<(string Name, int Column)> Kept { get; }

    /// <summary>
    /// Matches the model's inputs to the header by exact name. Missing required columns, or inputs that take a
    /// tensor per row, are fatal: no row could be scored, so nothing is read.
    /// </summary>
    public static ScoringPlan Create(IPredictor model, IReadOnlyList<string> header, BatchScoringOptions options, IReadOnlyList<string> outputNames)
    {
        var positions = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < header.Count; i++)
        {
            positions.TryAdd(header[i], i);
        }

        var optional = OptionalInputs(model);
        var tensors = model.Inputs.Where(i => i.RowShape.Count > 0 && i.RowShape.Aggregate(1, (p, d) => p * d) != 1).ToList();
        if (tensors.Count > 0)
        {
            throw KeelException.InvalidParameter(
                $"The model takes a tensor per row in {string.Join(", ", tensors.Select(t => $"'{t.Name}' [{string.Join(", ", t.RowShape)}]"))}; batch scoring reads one value per cell.");
        }

        var missing = model.Inputs.Where(i => !positions.ContainsKey(i.Name) && !optional.Contains(i.Name)).Select(i => $"'{i.Name}'").ToList();
        if (missing.Count > 0)
        {
            throw KeelException.InvalidParameter($"The input is missing required column(s) {string.Join(", ", missing)}.");
        }

        var inputs = model.Inputs.Where(i => positions.ContainsKey(i.Name)).Select(i => (i, positions[i.Name])).ToList();
        var taken = new HashSet<string>(outputNames, StringComparer.Ordinal) { options.RowColumn };
        var kept = !options.KeepColumns ? [] : header.Select((name, i) => (taken.Contains(name) ? $"input_{name}" : name, i)).ToList();
        return new ScoringPlan(inputs, kept);
    }

    public IReadOnlySet<int> Columns => Inputs.Select(i => i.Column).Concat(Kept.Select(k => k.Column)).ToHashSet();

    // A signature may mark columns optional (required: false); the runtime's own inputs are all required.
    private static HashSet<string> OptionalInputs(IPredictor model) =>
        model is LoadedModel { MlModel.Signature.Inputs: { IsTensorBased: false } inputs }
            ? [.. inputs.Columns.Where(c => !c.Required && c.Name is not null).Select(c => c.Name!)]
            : [];
}
