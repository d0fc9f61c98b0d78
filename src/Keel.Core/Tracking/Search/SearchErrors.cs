using Keel.Core.Common;

namespace Keel.Core.Tracking.Search;

/// <summary>
/// One phrasing for every search syntax error:
/// <c>Invalid filter '…' at position N: detail naming the 'token'</c>.
/// </summary>
internal sealed class SearchErrors(string subject, string source)
{
    public static SearchErrors ForFilter(string filter) => new("filter", filter);

    public static SearchErrors ForOrderBy(string clause) => new("order_by", clause);

    public KeelException At(int position, string detail) =>
        KeelException.InvalidParameter($"Invalid {subject} '{source}' at position {position}: {detail}");

    public KeelException Unexpected(SearchToken token, string expected) =>
        At(token.Start, $"expected {expected} but found {token.Display}");

    /// <summary>Quotes with whichever quote mark the text does not contain.</summary>
    public static string Quote(string text) =>
        text.Contains('\'', StringComparison.Ordinal) && !text.Contains('"', StringComparison.Ordinal)
            ? $"\"{text}\""
            : $"'{text}'";
}
