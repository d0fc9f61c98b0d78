using System.Globalization;
using System.Text;

namespace Keel.Core.Tracking.Search;

/// <summary>
/// Splits a filter or order_by clause into tokens. Quoted text may contain its own quote mark
/// doubled (<c>'it''s'</c>) or backslash-escaped (<c>'it\'s'</c>), the two forms MLflow's
/// SQL tokenizer treats as not ending the string; both stand for the bare quote mark.
/// </summary>
internal static class SearchTokenizer
{
    public static IReadOnlyList<SearchToken> Tokenize(string source, SearchErrors errors)
    {
        var tokens = new List<SearchToken>();
        var i = 0;
        while (true)
        {
            while (i < source.Length && char.IsWhiteSpace(source[i]))
            {
                i++;
            }
            if (i == source.Length)
            {
                tokens.Add(new SearchToken(SearchTokenKind.End, string.Empty, string.Empty, i));
                return tokens;
            }
            var token = ReadToken(source, i, errors);
            tokens.Add(token);
            i = token.End;
        }
    }

    private static SearchToken ReadToken(string source, int start, SearchErrors errors)
    {
        var c = source[start];
        return c switch
        {
            '\'' => ReadQuoted(source, start, SearchTokenKind.SingleQuoted, errors),
            '"' => ReadQuoted(source, start, SearchTokenKind.DoubleQuoted, errors),
            '`' => ReadQuoted(source, start, SearchTokenKind.BacktickName, errors),
            '(' => Single(SearchTokenKind.LeftParen, source, start),
            ')' => Single(SearchTokenKind.RightParen, source, start),
            ',' => Single(SearchTokenKind.Comma, source, start),
            '<' or '>' or '=' or '!' or '~' => ReadOperator(source, start),
            _ when StartsNumber(source, start) => ReadNumber(source, start, errors),
            '.' => Single(SearchTokenKind.Dot, source, start),
            _ when IsNameStart(c) => ReadWord(source, start),
            _ => throw errors.At(start, $"unexpected character {SearchErrors.Quote(c.ToString())}"),
        };
    }

    private static SearchToken Single(SearchTokenKind kind, string source, int start)
    {
        var text = source.Substring(start, 1);
        return new SearchToken(kind, text, text, start);
    }

    private static SearchToken ReadQuoted(string source, int start, SearchTokenKind kind, SearchErrors errors)
    {
        var quote = source[start];
        var value = new StringBuilder();
        var i = start + 1;
        while (i < source.Length)
        {
            var c = source[i];
            var next = i + 1 < source.Length ? source[i + 1] : '\0';
            if ((c == '\\' || c == quote) && next == quote)
            {
                value.Append(quote);
                i += 2;
            }
            else if (c == quote)
            {
                return new SearchToken(kind, source[start..(i + 1)], value.ToString(), start);
            }
            else
            {
                value.Append(c);
                i++;
            }
        }
        var what = kind == SearchTokenKind.BacktickName ? "quoted name" : "string";
        throw errors.At(start, $"unterminated {what} {SearchErrors.Quote(source[start..])}");
    }

    /// <summary>Reads a run of comparison characters whole, so <c>&gt;&gt;</c> is reported as one bad comparator.</summary>
    private static SearchToken ReadOperator(string source, int start)
    {
        var i = start;
        while (i < source.Length && source[i] is '<' or '>' or '=' or '!' or '~')
        {
            i++;
        }
        var text = source[start..i];
        return new SearchToken(SearchTokenKind.Operator, text, text, start);
    }

    private static bool StartsNumber(string source, int i)
    {
        if (i < source.Length && source[i] == '-')
        {
            i++;
        }
        if (i < source.Length && char.IsAsciiDigit(source[i]))
        {
            return true;
        }
        return i + 1 < source.Length && source[i] == '.' && char.IsAsciiDigit(source[i + 1]);
    }

    /// <summary><c>-?(digits[.digits*] | .digits)([eE][+-]?digits)?</c>, not followed by a name character.</summary>
    private static SearchToken ReadNumber(string source, int start, SearchErrors errors)
    {
        var i = start;
        if (source[i] == '-')
        {
            i++;
        }
        i = SkipDigits(source, i);
        if (i < source.Length && source[i] == '.')
        {
            i = SkipDigits(source, i + 1);
        }
        if (i < source.Length && source[i] is 'e' or 'E')
        {
            var exponent = i + 1;
            if (exponent < source.Length && source[exponent] is '+' or '-')
            {
                exponent++;
            }
            if (exponent < source.Length && char.IsAsciiDigit(source[exponent]))
            {
                i = SkipDigits(source, exponent);
            }
        }
        if (i < source.Length && IsNamePart(source[i]))
        {
            var end = i;
            while (end < source.Length && IsNamePart(source[end]))
            {
                end++;
            }
            throw errors.At(start, $"invalid number {SearchErrors.Quote(source[start..end])}");
        }
        var text = source[start..i];
        var number = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        if (!double.IsFinite(number))
        {
            throw errors.At(start, $"number {SearchErrors.Quote(text)} is out of range");
        }
        return new SearchToken(SearchTokenKind.Number, text, text, start, number);
    }

    private static int SkipDigits(string source, int i)
    {
        while (i < source.Length && char.IsAsciiDigit(source[i]))
        {
            i++;
        }
        return i;
    }

    /// <summary>A name and its dotted segments: <c>metrics.acc</c>, <c>tags.mlflow.source.name</c>.</summary>
    private static SearchToken ReadWord(string source, int start)
    {
        var i = start + 1;
        while (i < source.Length)
        {
            if (IsNamePart(source[i]))
            {
                i++;
            }
            else if (source[i] == '.' && i + 1 < source.Length && IsNamePart(source[i + 1]))
            {
                i += 2;
            }
            else
            {
                break;
            }
        }
        var text = source[start..i];
        return new SearchToken(SearchTokenKind.Word, text, text, start);
    }

    private static bool IsNameStart(char c) => char.IsLetter(c) || c == '_';

    private static bool IsNamePart(char c) => char.IsLetterOrDigit(c) || c == '_';
}
