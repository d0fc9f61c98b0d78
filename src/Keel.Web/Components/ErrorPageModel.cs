namespace Keel.Web.Components;

/// <summary>What the error page shows: the status, a short title and a message (rendered as text).</summary>
public sealed record ErrorPageModel(int StatusCode, string Title, string Message);
