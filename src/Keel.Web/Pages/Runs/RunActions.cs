using Keel.Core.Common;
using Keel.Web.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Keel.Web.Pages.Runs;

/// <summary>The runs table's POST actions (delete, restore): antiforgery-checked, then back to the table.</summary>
internal static class RunActions
{
    public const int MaxRunsPerAction = 1000;

    public static async Task<IResult> ApplyAsync(HttpContext context, Func<string?, CancellationToken, Task> action, CancellationToken ct)
    {
        if (!context.Request.HasFormContentType || !await UiForms.IsValidAsync(context))
        {
            return UiForms.Rejected();
        }
        var form = await context.Request.ReadFormAsync(ct);
        var runIds = QueryStrings.SplitList(form["runs"]);
        if (runIds.Count == 0)
        {
            throw KeelException.InvalidParameter("Missing value for parameter 'runs': select at least one run.");
        }
        if (runIds.Count > MaxRunsPerAction)
        {
            throw KeelException.InvalidParameter($"Too many values for parameter 'runs': at most {MaxRunsPerAction} runs per action.");
        }
        foreach (var runId in runIds)
        {
            await action(runId, ct);
        }
        return TypedResults.Redirect(SafeReturnUrl(form["return"]), permanent: false, preserveMethod: false);
    }

    // Only a path on this server: a form must not become an open redirect.
    private static string SafeReturnUrl(string? url) =>
        url is { Length: > 1 } && url[0] == '/' && url[1] != '/' && url[1] != '\\' ? url : "/experiments";
}
