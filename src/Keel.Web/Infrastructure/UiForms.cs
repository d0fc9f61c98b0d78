using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Web.Infrastructure;

/// <summary>An antiforgery token to render as a hidden field of a POST form (see <c>FormTokenField</c>).</summary>
/// <param name="FieldName">The form field the server reads the token from.</param>
/// <param name="Value">The request token; the matching cookie is set on the same response.</param>
public sealed record FormToken(string FieldName, string Value);

/// <summary>CSRF protection for the UI's state-changing POST forms.</summary>
public static class UiForms
{
    /// <summary>Issues a token for a page's forms; call in the GET handler, before the page renders.</summary>
    public static FormToken Token(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var tokens = context.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context);
        return new FormToken(tokens.FormFieldName, tokens.RequestToken!);
    }

    /// <summary>True when the POSTed form carries a token matching the request's antiforgery cookie.</summary>
    public static Task<bool> IsValidAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(context);
    }

    /// <summary>The 400 page a POST without a valid token gets; nothing was changed.</summary>
    public static IResult Rejected() =>
        UiResults.Error(StatusCodes.Status400BadRequest, "Form rejected",
            "The form's security token is missing or expired, so nothing was changed. Reload the page and try again.");
}
