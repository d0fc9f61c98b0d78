namespace Keel.Core.Tracking.Search;

/// <summary>A read position over a token list that always ends with an End token.</summary>
internal sealed class SearchTokenCursor(IReadOnlyList<SearchToken> tokens, SearchErrors errors)
{
    private int _index;

    public SearchErrors Errors => errors;

    public SearchToken Peek => tokens[_index];

    public SearchToken Next()
    {
        var token = tokens[_index];
        if (token.Kind != SearchTokenKind.End)
        {
            _index++;
        }
        return token;
    }

    public bool TryKeyword(string keyword)
    {
        if (!Peek.IsKeyword(keyword))
        {
            return false;
        }
        Next();
        return true;
    }

    public SearchToken Expect(SearchTokenKind kind, string expected)
    {
        var token = Next();
        return token.Kind == kind ? token : throw errors.Unexpected(token, expected);
    }

    public void ExpectEnd(string expected)
    {
        if (Peek.Kind != SearchTokenKind.End)
        {
            throw errors.Unexpected(Peek, expected);
        }
    }
}
