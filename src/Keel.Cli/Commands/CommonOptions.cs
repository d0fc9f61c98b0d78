using System.CommandLine;

namespace Keel.Cli.Commands;

/// <summary><c>--view active|deleted|all</c>, MLflow's ViewType.</summary>
internal static class ViewOption
{
    public static Option<string> Create(string what)
    {
        var option = new Option<string>("--view")
        {
            Description = $"Which {what} to show",
            DefaultValueFactory = _ => "active",
        };
        option.AcceptOnlyFromAmong("active", "deleted", "all");
        return option;
    }

    public static string WireValue(string? view) => view switch
    {
        "deleted" => "DELETED_ONLY",
        "all" => "ALL",
        _ => "ACTIVE_ONLY",
    };
}

internal static class MaxResultsOption
{
    public static Option<int> Create(int defaultValue)
    {
        var option = new Option<int>("--max-results")
        {
            Description = "Show at most this many",
            DefaultValueFactory = _ => defaultValue,
        };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError("--max-results must be at least 1.");
            }
        });
        return option;
    }
}
