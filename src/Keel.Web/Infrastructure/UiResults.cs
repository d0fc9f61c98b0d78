using Keel.Web.Components;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Keel.Web.Infrastructure;

/// <summary>Renders page components (static server rendering) from endpoint handlers.</summary>
public static class UiResults
{
    /// <summary>Renders <typeparamref name="TPage"/> with its <c>Model</c> parameter set to <paramref name="model"/>.</summary>
    public static RazorComponentResult<TPage> Page<TPage, TModel>(TModel model, int statusCode = StatusCodes.Status200OK)
        where TPage : IComponent
        where TModel : class =>
        new(new Dictionary<string, object?> { ["Model"] = model }) { StatusCode = statusCode };

    /// <summary>The UI's error page: a title, a message (shown as text) and the status code.</summary>
    public static RazorComponentResult<ErrorPage> Error(int statusCode, string title, string message) =>
        Page<ErrorPage, ErrorPageModel>(new ErrorPageModel(statusCode, title, message), statusCode);

    public static RazorComponentResult<ErrorPage> NotFound(string message) =>
        Error(StatusCodes.Status404NotFound, "Not found", message);
}
