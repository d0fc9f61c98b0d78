using Keel.EndToEnd.Tests.Support;
using Keel.Testing;

namespace Keel.EndToEnd.Tests.Cli;

/// <summary><c>keel data validate</c>: a report line per check, exit 0 when all pass and 1 when any fails or the input is bad.</summary>
public sealed class DataValidateCommandTests : IDisposable
{
    private const string Data = "id,age,country\n1,30,FR\n2,40,DE\n3,,US\n";

    private readonly TempDirectory _dir = new("keel-e2e-validate");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Validate_AllChecksPass_PrintsOneLinePerCheckAndExitsZero()
    {
        var data = Write("data.csv", Data);
        var rules = Write("rules.yaml", "row_count: {min: 3}\ncolumns:\n  age: {type: integer, max: 130}\n  country: {allowed: [FR, DE, US]}\n");

        var result = await KeelCommandLine.RunAsync("data", "validate", data, "--rules", rules);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(
        [
            "PASS  row_count.min     expected >= 3, observed 3",
            "PASS  age: present      expected present, observed present",
            "PASS  age: type         expected integer, observed integer",
            "PASS  age: max          expected <= 130, observed 40",
            "PASS  country: present  expected present, observed present",
            "PASS  country: allowed  expected in [FR, DE, US], observed 0 other values",
            "All 6 checks passed.",
        ], result.Stdout.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public async Task Validate_AFailingCheck_ExitsOneAndSaysWhich()
    {
        var data = Write("data.csv", Data);
        var rules = Write("rules.yaml", "columns: {age: {nullable: false}, id: {unique: true}}\n");

        var result = await KeelCommandLine.RunAsync("data", "validate", data, "--rules", rules);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("FAIL  age: nullable  expected no nulls, observed 1 nulls", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("PASS  id: unique", result.Stdout, StringComparison.Ordinal);
        Assert.EndsWith("1 of 4 checks failed.\n", result.Stdout, StringComparison.Ordinal);
        Assert.Empty(result.Stderr);
    }

    [Fact]
    public async Task Validate_JsonOutput_ListsEveryCheck()
    {
        var data = Write("data.csv", Data);
        var rules = Write("rules.yaml", "row_count: {max: 2}\n");

        var result = await KeelCommandLine.RunAsync("data", "validate", data, "--rules", rules, "--output", "json");

        Assert.Equal(1, result.ExitCode);
        var json = result.Json;
        Assert.False(json["passed"]!.GetValue<bool>());
        Assert.Equal(1, json["failed"]!.GetValue<int>());
        var check = json["checks"]![0]!;
        Assert.Equal(("row_count.max", "<= 2", "3"), (check["rule"]!.GetValue<string>(), check["expected"]!.GetValue<string>(), check["observed"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Validate_DriftAgainstAReferenceFile_FailsOnAShift()
    {
        var reference = Write("ref.csv", "x\n" + string.Join('\n', Enumerable.Range(0, 100)) + "\n");
        var shifted = Write("now.csv", "x\n" + string.Join('\n', Enumerable.Range(60, 100)) + "\n");
        var rules = Write("rules.yaml", "columns: {x: {drift: {max_psi: 0.2}}}\n");

        var same = await KeelCommandLine.RunAsync("data", "validate", reference, "--rules", rules, "--reference", reference);
        var drifted = await KeelCommandLine.RunAsync("data", "validate", shifted, "--rules", rules, "--reference", reference);

        Assert.True(same.ExitCode == 0, same.ToString());
        Assert.Contains("PASS  x: drift.max_psi  expected psi <= 0.2, observed psi 0", same.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, drifted.ExitCode);
        Assert.Contains("FAIL  x: drift.max_psi", drifted.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_UnknownRule_OneErrorLineNamingTheKnownOnes()
    {
        var data = Write("data.csv", Data);
        var rules = Write("rules.yaml", "columns: {age: {minimum: 0}}\n");

        var result = await KeelCommandLine.RunAsync("data", "validate", data, "--rules", rules);

        Assert.Equal(1, result.ExitCode);
        Assert.Empty(result.Stdout);
        var line = Assert.Single(result.StderrLines);
        Assert.StartsWith("error: Unknown key 'columns.age.minimum' in the expectations file; expected columns.age.type,", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_BadYaml_OneErrorLine()
    {
        var data = Write("data.csv", Data);
        var rules = Write("rules.yaml", "columns: {age: [}\n");

        var result = await KeelCommandLine.RunAsync("data", "validate", data, "--rules", rules);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error: The expectations file is not valid YAML:", Assert.Single(result.StderrLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_MissingDataFile_OneErrorLine()
    {
        var rules = Write("rules.yaml", "row_count: {min: 1}\n");
        var missing = Path.Combine(_dir.Path, "missing.csv");

        var result = await KeelCommandLine.RunAsync("data", "validate", missing, "--rules", rules);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal([$"error: {missing}: no such file."], result.StderrLines);
    }

    [Fact]
    public async Task Validate_MissingRulesFile_OneErrorLine()
    {
        var data = Write("data.csv", Data);
        var rules = Path.Combine(_dir.Path, "none.yaml");

        var result = await KeelCommandLine.RunAsync("data", "validate", data, "--rules", rules);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal([$"error: rules file not found: {rules}"], result.StderrLines);
    }

    [Fact]
    public async Task Validate_DriftWithoutReference_OneErrorLine()
    {
        var data = Write("data.csv", Data);
        var rules = Write("rules.yaml", "columns: {age: {drift: {max_psi: 0.2}}}\n");

        var result = await KeelCommandLine.RunAsync("data", "validate", data, "--rules", rules);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(["error: The drift rule of column 'age' needs a reference dataset or profile (--reference)."], result.StderrLines);
    }

    [Fact]
    public async Task Validate_WithoutRules_IsAUsageError()
    {
        var result = await KeelCommandLine.RunAsync("data", "validate", Write("data.csv", Data));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--rules", result.Stderr, StringComparison.Ordinal);
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir.Path, name);
        File.WriteAllText(path, text);
        return path;
    }
}
