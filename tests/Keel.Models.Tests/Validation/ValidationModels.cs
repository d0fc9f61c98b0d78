using System.Globalization;
using System.Text;
using Keel.Core.Models;
using Keel.Models.Packages;
using Microsoft.ML;

namespace Keel.Models.Tests.Validation;

public sealed class SignalRow
{
    public float Signal { get; set; }

    public float Noise { get; set; }

    public bool Label { get; set; }
}

/// <summary>
/// A seeded problem whose label follows <c>Signal</c> only (<c>Noise</c> is random), the models the validation tests
/// score, and the CSV they read: Signal, Noise, Label (true/false) and a Group column no model reads.
/// </summary>
internal static class ValidationModels
{
    public static SignalRow[] Rows(int count, int seed)
    {
        var random = new Random(seed);
        return
        [
            .. Enumerable.Range(0, count).Select(_ =>
            {
                var signal = (float)random.NextDouble();
                return new SignalRow { Signal = signal, Noise = (float)random.NextDouble(), Label = signal + ((random.NextDouble() - 0.5) * 0.2) > 0.5 };
            }),
        ];
    }

    /// <summary>Logistic regression on Signal and Noise, saved as a package and loaded through Keel's runtime.</summary>
    public static LoadedModel Train(string directory, SignalRow[] rows, bool flipped = false)
    {
        var ml = new MLContext(seed: 1);
        // A "worse" model: trained on flipped labels, so it predicts the opposite class.
        var data = ml.Data.LoadFromEnumerable(flipped ? rows.Select(r => new SignalRow { Signal = r.Signal, Noise = r.Noise, Label = !r.Label }) : rows);
        var model = ml.Transforms.Concatenate("Features", nameof(SignalRow.Signal), nameof(SignalRow.Noise))
            .Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression())
            .Fit(data);
        var example = new DataBatch([DataColumn.Of(nameof(SignalRow.Signal), new[] { 0.2f }), DataColumn.Of(nameof(SignalRow.Noise), new[] { 0.7f })]);
        ModelPackageWriter.WriteMlNet(directory, model, data.Schema, example, new ModelPackageInfo());
        return ModelPackage.Load(directory);
    }

    /// <summary>Writes the rows as CSV; <paramref name="group"/> gives each row's Group value.</summary>
    public static string WriteCsv(string path, IReadOnlyList<SignalRow> rows, Func<int, string> group)
    {
        var text = new StringBuilder("Signal,Noise,Label,Group\n");
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            text.Append(CultureInfo.InvariantCulture, $"{row.Signal:R},{row.Noise:R},{(row.Label ? "true" : "false")},{group(i)}\n");
        }
        File.WriteAllText(path, text.ToString());
        return path;
    }
}
