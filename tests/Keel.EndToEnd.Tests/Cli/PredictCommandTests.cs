using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Keel.Client;
using Keel.Client.Models;
using Keel.Core.Models;
using Keel.EndToEnd.Tests.Support;
using Keel.Models.Packages;
using Keel.Testing;
using Microsoft.ML;

namespace Keel.EndToEnd.Tests.Cli;

/// <summary><c>keel predict</c>: batch scoring of a file with a registered model, and its memory bound.</summary>
public sealed partial class PredictCommandTests(KeelServerFixture fixture) : IClassFixture<KeelServerFixture>, IDisposable
{
    private const long MiB = 1024 * 1024;
    private const long PeakMemoryLimit = 500 * MiB;

    private readonly TempDirectory _local = new("keel-e2e-predict");

    private string Uri => fixture.Server.BaseAddress.ToString();

    private static string KeelDll => Path.Combine(AppContext.BaseDirectory, "keel.dll");

    public void Dispose() => _local.Dispose();

    [Fact]
    public async Task Predict_RegisteredModelCsvToParquet_ScoresGoodRowsAndRejectsBadOnes()
    {
        var name = await RegisterModelAsync();
        var input = Path.Combine(_local.Path, "in.csv");
        await File.WriteAllTextAsync(input, "X,Other\n0.1,a\n0.9,b\nnope,c\n0.5\n0.7,d\n", TestContext.Current.CancellationToken);
        var output = Path.Combine(_local.Path, "out.parquet");
        var rejects = Path.Combine(_local.Path, "rejects.csv");

        var result = await KeelCommandLine.RunAsync(
            "predict", $"models:/{name}/1", "--input", input, "--output", output, "--rejects", rejects, "--chunk-rows", "2", "--tracking-uri", Uri);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches(@"^Scored 3 rows, rejected 2, in \d+\.\ds \([\d,]+ rows/s\), to:", result.Stdout);
        Assert.Contains(output, result.Stdout, StringComparison.Ordinal);
        Assert.True(new FileInfo(output).Length > 0);
        var reasons = await File.ReadAllLinesAsync(rejects, TestContext.Current.CancellationToken);
        Assert.Equal(["row,reason", "3,\"column 'X': expected float, got 'nope'\"", "4,\"expected 2 fields, got 1\""], reasons);
    }

    [Fact]
    public async Task Predict_MissingRequiredColumn_ExitsOneWithOneLineNamingIt()
    {
        var name = await RegisterModelAsync();
        var input = Path.Combine(_local.Path, "wrong.csv");
        await File.WriteAllTextAsync(input, "Y\n1\n", TestContext.Current.CancellationToken);
        var output = Path.Combine(_local.Path, "never.csv");

        var result = await KeelCommandLine.RunAsync("predict", $"models:/{name}/1", "-i", input, "-o", output, "--tracking-uri", Uri);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(["error: The input is missing required column(s) 'X'."], result.StderrLines);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public async Task Predict_UnknownOutputExtension_IsAUsageError()
    {
        var result = await KeelCommandLine.RunAsync("predict", "runs:/abc/model", "-i", "in.csv", "-o", "out.json", "--tracking-uri", Uri);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("expected a .csv or .parquet file", result.Stderr, StringComparison.Ordinal);
    }

    /// <summary>
    /// Issue 4: "batch scoring of a 1 GB CSV stays under 500 MB peak memory". The real <c>keel</c> process scores a
    /// generated file (KEEL_PREDICT_MEMORY_TEST_BYTES, default 1 GiB) while its peak RSS is read from /proc.
    /// </summary>
    [Fact]
    public async Task Issue_4_PredictOnAGigabyteCsv_StaysUnder500MBPeakMemory()
    {
        var ct = TestContext.Current.CancellationToken;
        var bytes = Environment.GetEnvironmentVariable("KEEL_PREDICT_MEMORY_TEST_BYTES") is { Length: > 0 } text
            ? long.Parse(text, CultureInfo.InvariantCulture)
            : 1024 * MiB;
        var package = WritePackage(Path.Combine(_local.Path, "package"));
        var input = Path.Combine(_local.Path, "big.csv");
        var rows = await WriteCsvAsync(input, bytes, ct);
        var output = Path.Combine(_local.Path, "big-predictions.parquet");

        var (exitCode, stdout, stderr, polledPeak) = await RunKeelProcessAsync(
            ["predict", package, "--input", input, "--output", output, "--chunk-rows", "100000", "--verbose"], ct);

        Assert.True(exitCode == 0, $"exit {exitCode}\n{stdout}\n{stderr}");
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"Scored {rows:N0} rows, rejected 0"), stdout, StringComparison.Ordinal);
        var reported = PeakMemory().Match(stdout) is { Success: true } m ? ParseBytes(m.Groups[1].Value) : 0;
        var peak = Math.Max(polledPeak, reported);
        TestContext.Current.TestOutputHelper?.WriteLine($"keel predict on {bytes / MiB} MiB ({rows:N0} rows): peak RSS {peak / MiB} MiB; {stdout.Trim()}");
        Assert.True(peak > 0, "no peak memory was read");
        Assert.True(peak < PeakMemoryLimit, $"peak RSS {peak / MiB} MiB is over {PeakMemoryLimit / MiB} MiB\n{stdout}");
    }

    private async Task<string> RegisterModelAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        var name = $"predict-{Guid.NewGuid():N}";
        var (model, schema) = TrainModel();
        using var client = new KeelClient(fixture.Server.BaseAddress);
        await using var run = await client.StartRunAsync(runName: "predict", ct: ct);
        await run.LogModelAsync(model, schema, new LogModelOptions
        {
            RegisteredModelName = name,
            InputExample = new DataBatch([DataColumn.Of(nameof(Row.X), new[] { 0.2f, 0.8f })]),
        }, ct);
        return name;
    }

    private static (ITransformer Model, DataViewSchema Schema) TrainModel()
    {
        var ml = new MLContext(seed: 3);
        var data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 100).Select(i => new Row { X = i / 100f, Label = i >= 50 }));
        var model = ml.Transforms.Concatenate("Features", nameof(Row.X))
            .Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression())
            .Fit(data);
        return (model, data.Schema);
    }

    /// <summary>A local package folder with both flavors; the loader scores through ONNX Runtime, the faster one here.</summary>
    private static string WritePackage(string directory)
    {
        var (model, schema) = TrainModel();
        ModelPackageWriter.WriteMlNet(directory, model, schema, new DataBatch([DataColumn.Of(nameof(Row.X), new[] { 0.2f, 0.8f })]), new ModelPackageInfo());
        ModelPackageWriter.AddOnnxFlavor(directory);
        return directory;
    }

    /// <summary>Writes at least <paramref name="bytes"/> of CSV by repeating a block of distinct rows; returns the row count.</summary>
    private static async Task<long> WriteCsvAsync(string path, long bytes, CancellationToken ct)
    {
        var random = new Random(7);
        var block = new StringBuilder();
        const int BlockRows = 4096;
        for (var i = 0; i < BlockRows; i++)
        {
            block.Append(CultureInfo.InvariantCulture, $"{random.NextDouble():F6},row-{i:D6}\n");
        }

        var blockBytes = Encoding.UTF8.GetBytes(block.ToString());
        await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 4 * (int)MiB, FileOptions.Asynchronous);
        await file.WriteAsync("X,Id\n"u8.ToArray(), ct);
        long written = 0;
        long rows = 0;
        while (written < bytes)
        {
            await file.WriteAsync(blockBytes, ct);
            written += blockBytes.Length;
            rows += BlockRows;
        }

        return rows;
    }

    /// <summary>Runs <c>dotnet keel.dll</c>, polling its peak resident set (VmHWM) until it exits.</summary>
    private static async Task<(int ExitCode, string Stdout, string Stderr, long PeakBytes)> RunKeelProcessAsync(string[] args, CancellationToken ct)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(KeelDll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var variable in new[] { "KEEL_TRACKING_URI", "MLFLOW_TRACKING_URI" })
        {
            info.Environment.Remove(variable);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start dotnet");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        long peak = 0;
        var status = $"/proc/{process.Id}/status";
        var exited = process.WaitForExitAsync(ct);
        while (!exited.IsCompleted)
        {
            peak = Math.Max(peak, ReadHighWaterMark(status));
            await Task.WhenAny(exited, Task.Delay(50, ct));
        }

        await exited;
        return (process.ExitCode, await stdout, await stderr, peak);
    }

    private static long ReadHighWaterMark(string statusFile)
    {
        try
        {
            var line = File.ReadLines(statusFile).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return 0; // the process has just exited
        }
    }

    private static long ParseBytes(string text)
    {
        var parts = text.Split(' ');
        var value = double.Parse(parts[0], CultureInfo.InvariantCulture);
        return (long)(value * parts[1] switch { "KiB" => 1024, "MiB" => MiB, "GiB" => 1024 * MiB, _ => 1 });
    }

    [GeneratedRegex(@"Peak memory: ([\d.]+ \w+)")]
    private static partial Regex PeakMemory();

    private sealed class Row
    {
        public float X { get; set; }

        public bool Label { get; set; }
    }
}
