using System.Globalization;
using Keel.Core.Common;
using Keel.Core.Models;
using Keel.Core.Monitoring.Statistics;
using Keel.Core.Registry.Gates;

namespace Keel.Models.Validation;

/// <summary>
/// Scores a candidate (and a champion, when there is one) on the same rows of a <see cref="ValidationTable"/>: the
/// quality metrics of <see cref="QualityMetrics"/>, the candidate's latency per row (timed over the whole batch after a
/// warm-up), the fairness metric per group, and the candidate's permutation importance over its inputs. Rows with a
/// missing label or a cell either model cannot take are left out of every measure, so both models are judged on the
/// same rows. Without a given task, a model whose prediction is text or boolean, or labels that are all whole numbers
/// with at most <see cref="MaxClassLabels"/> distinct values (or booleans, or text), mean classification.
/// </summary>
public static class ModelValidator
{
    /// <summary>The most distinct whole-number labels still read as classes when the task is not given.</summary>
    public const int MaxClassLabels = 20;

    private const int ShownSkips = 5;

    public static ModelValidationResult Run(IPredictor candidate, IPredictor? champion, ValidationTable table, ValidationOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(options);
        var errors = new string?[table.RowCount];
        var labels = table.Text(options.LabelColumn);
        for (var r = 0; r < labels.Length; r++)
        {
            if (string.IsNullOrWhiteSpace(labels[r]))
            {
                errors[r] ??= $"no label in column '{options.LabelColumn}'";
            }
        }
        if (options.Fairness is { } fairnessRule && !table.HasColumn(fairnessRule.Column))
        {
            throw KeelException.InvalidParameter($"The fairness column '{fairnessRule.Column}' is not in the data; it has {string.Join(", ", table.Columns)}.");
        }
        var candidateInputs = ParseInputs(candidate, table, errors, "candidate");
        var championInputs = champion is null ? null : ParseInputs(champion, table, errors, "champion");
        var good = Enumerable.Range(0, table.RowCount).Where(r => errors[r] is null).ToArray();
        var skipped = table.RowCount - good.Length;
        var reasons = Enumerable.Range(0, table.RowCount).Where(r => errors[r] is not null).Take(ShownSkips)
            .Select(r => string.Create(CultureInfo.InvariantCulture, $"row {r + 1}: {errors[r]}")).ToList();
        if (good.Length == 0)
        {
            throw KeelException.InvalidParameter(table.RowCount == 0 ? "The data has no rows." : $"No row of the data can be scored ({reasons[0]}).");
        }

        var candidateBatch = Batch(candidateInputs, good);
        var warmUp = Take(candidateBatch, [.. Enumerable.Range(0, Math.Min(options.WarmUpRows, good.Length))]);
        PredictAll(candidate, warmUp, options.ChunkRows, ct);
        var started = options.Time.GetTimestamp();
        var candidateOutputs = PredictAll(candidate, candidateBatch, options.ChunkRows, ct);
        var msPerRow = options.Time.GetElapsedTime(started).TotalMilliseconds / good.Length;

        var actualText = good.Select(r => labels[r]!).ToArray();
        var task = options.Task ?? InferTask(candidate, actualText, options.PredictionOutput);
        var reader = new OutputReader(task, candidate.Outputs, options, actualText);
        var candidateMetrics = reader.Metrics(candidateOutputs);
        IReadOnlyDictionary<string, double>? championMetrics = null;
        if (champion is not null)
        {
            // The champion may name its outputs differently: a named output applies to it only when it has one so called.
            var championReader = new OutputReader(task, champion.Outputs, options with
            {
                PredictionOutput = champion.Outputs.Any(o => o.Name == options.PredictionOutput) ? options.PredictionOutput : null,
                ScoreOutput = champion.Outputs.Any(o => o.Name == options.ScoreOutput) ? options.ScoreOutput : null,
                PositiveLabel = reader.PositiveLabel,
            }, actualText);
            championMetrics = championReader.Metrics(PredictAll(champion, Batch(championInputs!, good), options.ChunkRows, ct));
        }

        FairnessResult? fairness = null;
        if (options.Fairness is { } rule)
        {
            if (task != TaskKind.Classification)
            {
                throw KeelException.InvalidParameter("Fairness gates compare classification metrics; this model does regression.");
            }
            var groups = table.Text(rule.Column);
            fairness = FairnessGroups.Compute(rule.Column, rule.Metric, reader.Actual, reader.Predicted(candidateOutputs), [.. good.Select(r => groups[r])], reader.PositiveLabel!);
        }

        var importance = Importance(candidate, candidateBatch, reader, task, options, candidateMetrics, ct);
        return new ModelValidationResult(task, good.Length, skipped, reasons, reader.PredictionName, reader.ScoreName, reader.PositiveLabel,
            candidateMetrics, championMetrics, msPerRow, fairness, importance);
    }

    private static ImportanceResult Importance(
        IPredictor model, DataBatch batch, OutputReader reader, TaskKind task, ValidationOptions options, IReadOnlyDictionary<string, double> baseline, CancellationToken ct)
    {
        var metric = options.Importance.Metric ?? GateMetrics.DefaultImportanceMetric(task);
        if (!baseline.TryGetValue(metric, out var baselineValue) || double.IsNaN(baselineValue))
        {
            throw KeelException.InvalidParameter($"The importance metric '{metric}' is undefined for this model on this data; name another with importance.metric.");
        }
        var features = batch.Columns.Select(c => c.Name).ToList();
        return PermutationImportance.Compute(features, batch.RowCount, metric, options.Importance.Repeats, options.Importance.Seed, (feature, permutation) =>
        {
            if (feature is null)
            {
                return baselineValue;
            }
            ct.ThrowIfCancellationRequested();
            var shuffled = new DataBatch([.. batch.Columns.Select(c => c.Name == feature ? Permute(c, permutation!) : c)]);
            return reader.Metrics(PredictAll(model, shuffled, options.ChunkRows, ct)).GetValueOrDefault(metric, double.NaN);
        });
    }

    private static TaskKind InferTask(IPredictor model, string[] labels, string? predictionOutput)
    {
        var output = predictionOutput is null ? null : model.Outputs.FirstOrDefault(o => o.Name == predictionOutput);
        if (output is { Type: DataType.String or DataType.Boolean } || model.Outputs.Any(o => string.Equals(o.Name, "PredictedLabel", StringComparison.OrdinalIgnoreCase)))
        {
            return TaskKind.Classification;
        }
        var canonical = labels.Select(LabelText.Of).ToList();
        var wholeNumbers = canonical.All(l => long.TryParse(l, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _));
        var anyNumber = canonical.Any(l => double.TryParse(l, NumberStyles.Float, CultureInfo.InvariantCulture, out _));
        if (!anyNumber)
        {
            return TaskKind.Classification;
        }
        return wholeNumbers && canonical.Distinct(StringComparer.Ordinal).Count() <= MaxClassLabels ? TaskKind.Classification : TaskKind.Regression;
    }

    private static List<(ColumnSchema Input, Array Values)> ParseInputs(IPredictor model, ValidationTable table, string?[] errors, string role)
    {
        var tensors = model.Inputs.Where(i => i.RowShape.Count > 0 && i.RowShape.Aggregate(1, (p, d) => p * d) != 1).ToList();
        if (tensors.Count > 0)
        {
            throw KeelException.InvalidParameter(
                $"The {role} takes a tensor per row in {string.Join(", ", tensors.Select(t => $"'{t.Name}'"))}; validation reads one value per cell.");
        }
        var missing = model.Inputs.Where(i => !table.HasColumn(i.Name)).Select(i => $"'{i.Name}'").ToList();
        if (missing.Count > 0)
        {
            throw KeelException.InvalidParameter($"The data lacks the {role}'s input column(s) {string.Join(", ", missing)}.");
        }
        return [.. model.Inputs.Select(i => (i, table.Parse(i.Name, i.Type, errors)))];
    }

    private static DataBatch Batch(List<(ColumnSchema Input, Array Values)> inputs, int[] rows) =>
        new([.. inputs.Select(i => new DataColumn(i.Input.Name, i.Input.Type, TakeValues(i.Values, rows)))]);

    private static DataBatch Take(DataBatch batch, int[] rows) =>
        new([.. batch.Columns.Select(c => new DataColumn(c.Name, c.Type, TakeValues(c.Values, rows)))]);

    private static DataColumn Permute(DataColumn column, int[] permutation) =>
        new(column.Name, column.Type, TakeValues(column.Values, permutation));

    private static Array TakeValues(Array values, int[] rows)
    {
        var taken = Array.CreateInstance(values.GetType().GetElementType()!, rows.Length);
        for (var i = 0; i < rows.Length; i++)
        {
            Array.Copy(values, rows[i], taken, i, 1);
        }
        return taken;
    }

    /// <summary>Predicts <paramref name="batch"/> a chunk at a time and joins the outputs.</summary>
    private static DataBatch PredictAll(IPredictor model, DataBatch batch, int chunkRows, CancellationToken ct)
    {
        if (batch.RowCount <= chunkRows)
        {
            return model.Predict(batch);
        }
        var parts = new List<DataBatch>();
        for (var start = 0; start < batch.RowCount; start += chunkRows)
        {
            ct.ThrowIfCancellationRequested();
            var rows = Enumerable.Range(start, Math.Min(chunkRows, batch.RowCount - start)).ToArray();
            parts.Add(model.Predict(Take(batch, rows)));
        }
        return new DataBatch([.. parts[0].Columns.Select(first => Concat(first, parts.Select(p => p[first.Name].Values).ToList()))]);
    }

    private static DataColumn Concat(DataColumn first, List<Array> parts)
    {
        var values = Array.CreateInstance(first.Values.GetType().GetElementType()!, parts.Sum(p => p.Length));
        var at = 0;
        foreach (var part in parts)
        {
            Array.Copy(part, 0, values, at, part.Length);
            at += part.Length;
        }
        return new DataColumn(first.Name, first.Type, values, first.RowShape);
    }

    /// <summary>Reads one model's outputs into metrics against the same labels.</summary>
    private sealed class OutputReader
    {
        private readonly TaskKind _task;
        private readonly double[]? _actualValues;

        public OutputReader(TaskKind task, IReadOnlyList<ColumnSchema> outputs, ValidationOptions options, string[] actual)
        {
            _task = task;
            PredictionName = PredictionOutputs.PredictionName(outputs, task, options.PredictionOutput);
            if (task == TaskKind.Regression)
            {
                Actual = actual;
                _actualValues = [.. actual.Select(a => double.TryParse(a, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.NaN)];
                return;
            }
            ScoreName = PredictionOutputs.ScoreName(outputs, options.ScoreOutput);
            Actual = [.. actual.Select(LabelText.Of)];
            PositiveLabel = options.PositiveLabel is { } positive ? LabelText.Of(positive) : null;
        }

        public string PredictionName { get; }

        public string? ScoreName { get; }

        public string[] Actual { get; }

        public string? PositiveLabel { get; private set; }

        public string[] Predicted(DataBatch outputs) => PredictionOutputs.Labels(outputs[PredictionName]);

        public IReadOnlyDictionary<string, double> Metrics(DataBatch outputs)
        {
            if (_task == TaskKind.Regression)
            {
                return QualityMetrics.Regression(_actualValues, PredictionOutputs.Values(outputs[PredictionName]));
            }
            var predicted = Predicted(outputs);
            PositiveLabel ??= Positive(Actual.Concat(predicted));
            var scores = ScoreName is null ? null : PredictionOutputs.Scores(outputs[ScoreName]);
            // Probabilities mean the positive class only for a two-class problem.
            var binary = Actual.Concat(predicted).Distinct(StringComparer.Ordinal).Count() <= 2;
            return QualityMetrics.Classification(Actual, predicted, binary ? scores : null, PositiveLabel);
        }

        private static string Positive(IEnumerable<string> labels)
        {
            var seen = labels.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            return seen.Contains("1") ? "1" : seen.Count > 0 ? seen[^1] : "1";
        }
    }
}
