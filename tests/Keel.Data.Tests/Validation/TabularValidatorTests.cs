using Keel.Core.Common;
using Keel.Core.Data.Validation;
using Keel.Data.Tabular;
using Keel.Data.Tests.Tabular;
using Keel.Data.Validation;
using Keel.Testing;

namespace Keel.Data.Tests.Validation;

public sealed class TabularValidatorTests : IDisposable
{
    private const string Data = "id,age,country\n1,30,FR\n2,40,DE\n3,,US\n";

    private readonly TempDirectory _dir = new("keel-validate");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task ValidateAsync_EveryRuleHolds_Passes()
    {
        var report = await ValidateAsync(Data, """
            row_count: {min: 3, max: 3}
            require_columns: [id]
            columns:
              id: {type: integer, unique: true, nullable: false}
              age: {min: 18, max: 65, max_null_fraction: 0.34}
              country: {allowed: [FR, DE, US]}
            """);

        Assert.True(report.Passed, string.Join('\n', report.Checks));
        // 2 row counts, 1 required column, then present + each rule per column: 4 + 4 + 2.
        Assert.Equal(13, report.Checks.Count);
    }

    [Fact]
    public async Task ValidateAsync_RowRulesBroken_FailWithObservedValues()
    {
        var report = await ValidateAsync("id,country\n1,FR\n1,IT\n", "columns: {id: {unique: true}, country: {allowed: [FR]}}");

        Assert.Equal(
            [("unique", false, "1 duplicates"), ("allowed", false, "1 other values (e.g. IT)")],
            report.Checks.Where(c => c.Rule is "unique" or "allowed").Select(c => (c.Rule, c.Passed, c.Observed)).OrderByDescending(c => c.Rule));
    }

    [Fact]
    public async Task ValidateAsync_DriftAgainstAReferenceFile_MeasuresPsi()
    {
        var reference = TableFiles.Csv(_dir.Path, "ref.csv", "x\n" + string.Join('\n', Enumerable.Range(0, 100)) + "\n");
        var same = TableFiles.Csv(_dir.Path, "same.csv", "x\n" + string.Join('\n', Enumerable.Range(0, 100)) + "\n");
        var shifted = TableFiles.Csv(_dir.Path, "shifted.csv", "x\n" + string.Join('\n', Enumerable.Range(50, 100)) + "\n");
        var expectations = ExpectationsYaml.Parse("columns: {x: {drift: {max_psi: 0.2}}}");
        var profile = await TabularValidator.LoadReferenceAsync(reference, TestContext.Current.CancellationToken);

        var unchanged = await TabularValidator.ValidateAsync(same, expectations, profile, TestContext.Current.CancellationToken);
        var drifted = await TabularValidator.ValidateAsync(shifted, expectations, profile, TestContext.Current.CancellationToken);

        Assert.Equal(("psi 0", true), (unchanged.Checks[^1].Observed, unchanged.Checks[^1].Passed));
        Assert.False(drifted.Checks[^1].Passed);
    }

    [Fact]
    public async Task LoadReferenceAsync_SavedProfileJson_RoundTrips()
    {
        var csv = TableFiles.Csv(_dir.Path, "r.csv", Data);
        var profile = await TabularProfiler.ProfileAsync(csv, TestContext.Current.CancellationToken);
        var json = Path.Combine(_dir.Path, "profile.json");
        await File.WriteAllTextAsync(json, profile.ToJson(), TestContext.Current.CancellationToken);

        var loaded = await TabularValidator.LoadReferenceAsync(json, TestContext.Current.CancellationToken);

        Assert.Equal(profile.ToJson(), loaded.ToJson());
    }

    [Fact]
    public async Task LoadReferenceAsync_BrokenJson_NamesTheFile()
    {
        var json = Path.Combine(_dir.Path, "bad.json");
        await File.WriteAllTextAsync(json, "{", TestContext.Current.CancellationToken);

        var error = await Assert.ThrowsAsync<KeelException>(() => TabularValidator.LoadReferenceAsync(json, TestContext.Current.CancellationToken));

        Assert.StartsWith($"Invalid value for parameter '{json}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidateAsync_DriftWithoutReference_IsRefused()
    {
        var path = TableFiles.Csv(_dir.Path, "d.csv", Data);

        await Assert.ThrowsAsync<KeelException>(() => TabularValidator.ValidateAsync(
            path, ExpectationsYaml.Parse("columns: {age: {drift: {max_psi: 1}}}"), null, TestContext.Current.CancellationToken));
    }

    private async Task<ValidationReport> ValidateAsync(string csv, string yaml)
    {
        var path = TableFiles.Csv(_dir.Path, $"{Guid.NewGuid():N}.csv", csv);
        return await TabularValidator.ValidateAsync(path, ExpectationsYaml.Parse(yaml), null, TestContext.Current.CancellationToken);
    }
}
