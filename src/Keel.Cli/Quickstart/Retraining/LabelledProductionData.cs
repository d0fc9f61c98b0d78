using System.Globalization;
using System.Text;

namespace Keel.Cli.Quickstart.Retraining;

/// <summary>
/// The data a retraining learns from: the original rows plus the production rows that drifted, now that their
/// diagnoses are known (the quickstart plays the lab that sends them back). Written as the next version of the dataset.
/// </summary>
internal static class LabelledProductionData
{
    public sealed record Written(string Path, int AddedRows);

    public static async Task<Written> WriteAsync(BreastCancerDataset dataset, BreastCancerTrainer trainer, string directory, CancellationToken ct)
    {
        var (features, malignant) = trainer.TestExample(trainer.TestRows);
        var text = new StringBuilder((await File.ReadAllTextAsync(dataset.Path, ct)).TrimEnd('\n', '\r'));
        text.Append('\n');
        var columns = features.Columns.Select(c => c.As<float>()).ToArray();
        for (var row = 0; row < features.RowCount; row++)
        {
            foreach (var column in columns)
            {
                text.Append((column[row] * QuickstartTraffic.DriftFactor).ToString("R", CultureInfo.InvariantCulture)).Append(',');
            }

            text.Append(malignant[row] ? '1' : '0').Append('\n');
        }

        Directory.CreateDirectory(directory);
        var path = System.IO.Path.Combine(directory, BreastCancerDataset.FileName);
        await File.WriteAllTextAsync(path, text.ToString(), ct);
        return new Written(path, features.RowCount);
    }
}
