namespace Keel.Core.Tracking.Search;

internal enum SearchTokenKind
{
    /// <summary>A bare name; dotted segments stay in one word (<c>tags.mlflow.source.name</c>).</summary>
    Word,
    /// <summary>A name in backticks, only ever a key.</summary>
    BacktickName,
    /// <summary>A single-quoted string, only ever a value.</summary>
    SingleQuoted,
    /// <summary>A double-quoted string: a key where a key is expected, a value where a value is.</summary>
    DoubleQuoted,
    Number,
    Operator,
    Dot,
    Comma,
    LeftParen,
    RightParen,
    End,
}

/// <summary>
/// One lexeme. <see cref="Text"/> is the raw source slice; <see cref="Value"/> is the unquoted,
/// unescaped content of quoted tokens (the raw text otherwise).
/// </summary>
internal sealed record SearchToken(SearchTokenKind Kind, string Text, string Value, int Start, double Number = 0)
{
    public int End => Start + Text.Length;

    public bool IsQuoted => Kind is SearchTokenKind.BacktickName or SearchTokenKind.SingleQuoted or SearchTokenKind.DoubleQuoted;

    public bool IsKeyword(string keyword) =>
        Kind == SearchTokenKind.Word && string.Equals(Text, keyword, StringComparison.OrdinalIgnoreCase);

    /// <summary>The token as error messages show it: always in quotes.</summary>
    public string Display => Kind switch
    {
        SearchTokenKind.End => "'<end>'",
        SearchTokenKind.SingleQuoted or SearchTokenKind.DoubleQuoted => Text,
        _ => SearchErrors.Quote(Text),
    };
}
