using System.Net;
using System.Text.RegularExpressions;

namespace Keel.Web.Tests.Registry;

/// <summary>
/// What a browser holds after loading a page with a form: the antiforgery cookie and the form's hidden token, so an
/// HTTP-level test can POST as the page would (or deliberately without the token).
/// </summary>
internal sealed partial record FormSession(string Cookie, string FieldName, string Token)
{
    public static async Task<FormSession> OpenAsync(UiServerFixture server, string page)
    {
        var (status, body, response) = await server.GetPageAsync(page);
        Assert.Equal(HttpStatusCode.OK, status);
        var cookie = response.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).Single(c => c.StartsWith("keel.antiforgery=", StringComparison.Ordinal));
        var field = TokenField().Match(body);
        Assert.True(field.Success, "the page has no antiforgery field");
        return new FormSession(cookie, field.Groups[1].Value, WebUtility.HtmlDecode(field.Groups[2].Value));
    }

    /// <summary>POSTs <paramref name="fields"/> as a form, with the cookie, and with the token when <paramref name="withToken"/>.</summary>
    public async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> PostAsync(
        UiServerFixture server, string url, IEnumerable<KeyValuePair<string, string>> fields, bool withToken = true)
    {
        var all = withToken ? fields.Append(new(FieldName, Token)) : fields;
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(all) };
        request.Headers.Add("Cookie", Cookie);
        var response = await server.Http.SendAsync(request, TestContext.Current.CancellationToken);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), response);
    }

    [GeneratedRegex("<input type=\"hidden\" name=\"(__keel_antiforgery)\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
