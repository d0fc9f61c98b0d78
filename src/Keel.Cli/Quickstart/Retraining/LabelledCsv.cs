using System.Globalization;
using Keel.Core.Models;

namespace Keel.Cli.Quickstart.Retraining;

/// <summary>A labelled breast-cancer CSV read as model input (float features) and its labels (1 = malignant).</summary>
internal sealed record LabelledCsv(DataBatch Features, bool[] Malignant)
{
    public static async Task<LabelledCsv> ReadAsync(string path, CancellationToken ct)
    {
        var lines = (await File.ReadAllLinesAsync(path, ct)).Where(l => !string.IsNullOrWhiteSpace(l)).ToArray();
        var header = lines.Length > 0 ? lines[0].Trim().Split(',') : [];
        if (header.Length < 2 || header[^1] != BreastCancerDataset.LabelColumn)
        {
            throw new CliException($"{path}: expected a CSV header ending with a '{BreastCancerDataset.LabelColumn}' column");
        }

        var rows = lines.Length - 1;
        var features = Enumerable.Range(0, header.Length - 1).Select(_ => new float[rows]).ToArray();
        var labels = new bool[rows];
        for (var row = 0; row < rows; row++)
        {
            var cells = lines[row + 1].Split(',');
            if (cells.Length != header.Length)
            {
                throw new CliException($"{path}:{row + 2}: expected {header.Length} cells like the header");
            }

            for (var column = 0; column < features.Length; column++)
            {
                features[column][row] = float.Parse(cells[column], NumberStyles.Float, CultureInfo.InvariantCulture);
            }

            labels[row] = cells[^1].Trim() is "1" or "true" or "True";
        }

        return new LabelledCsv(new DataBatch([.. header[..^1].Select((name, i) => DataColumn.Of(name, features[i]))]), labels);
    }
}
