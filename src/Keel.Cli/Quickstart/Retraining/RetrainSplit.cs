using System.Security.Cryptography;
using System.Text;

namespace Keel.Cli.Quickstart.Retraining;

/// <summary>
/// The retraining pipeline's <c>prepare</c> step: splits a labelled CSV into train and hold-out files. A row's side is
/// decided by a hash of its text, so the same row always lands on the same side, whichever version it arrives in:
/// a new dataset version only adds rows to each side, it never moves old rows between them.
/// </summary>
internal static class RetrainSplit
{
    public sealed record Result(int TrainRows, int HoldoutRows);

    public static async Task<Result> WriteAsync(string input, string train, string holdout, double holdoutFraction, CancellationToken ct)
    {
        if (holdoutFraction is <= 0 or >= 1)
        {
            throw new CliException($"--holdout-fraction must be between 0 and 1 (exclusive), not {holdoutFraction}");
        }

        var lines = (await File.ReadAllLinesAsync(input, ct)).Where(l => !string.IsNullOrWhiteSpace(l)).ToArray();
        if (lines.Length < 2)
        {
            throw new CliException($"{input}: expected a header and at least one row");
        }

        var header = lines[0];
        var width = header.Split(',').Length;
        var trainRows = new List<string> { header };
        var holdoutRows = new List<string> { header };
        for (var i = 1; i < lines.Length; i++)
        {
            if (lines[i].Split(',').Length != width)
            {
                throw new CliException($"{input}:{i + 1}: expected {width} cells like the header");
            }

            (InHoldout(lines[i], holdoutFraction) ? holdoutRows : trainRows).Add(lines[i]);
        }

        foreach (var (path, rows) in new[] { (train, trainRows), (holdout, holdoutRows) })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            await File.WriteAllLinesAsync(path, rows, ct);
        }

        return new Result(trainRows.Count - 1, holdoutRows.Count - 1);
    }

    private static bool InHoldout(string row, double fraction)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(row));
        return BitConverter.ToUInt32(hash, 0) / (double)uint.MaxValue < fraction;
    }
}
