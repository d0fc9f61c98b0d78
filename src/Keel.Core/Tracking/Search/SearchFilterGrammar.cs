namespace Keel.Core.Tracking.Search;

/// <summary>
/// Recursive descent over
/// <code>
/// filter     := or END
/// or         := and ("OR" and)*
/// and        := primary ("AND" primary)*
/// primary    := "(" or ")" | comparison
/// comparison := key comparator value
/// value      := string | number | "(" string ("," string)* ")"   (the list only after IN / NOT IN)
/// </code>
/// MLflow accepts only the AND chain; OR and parentheses are Keel's extension, AND binding tighter.
/// </summary>
internal sealed class SearchFilterGrammar
{
    private const string AnyComparator = "a comparator (=, !=, >, >=, <, <=, LIKE, ILIKE, IN, NOT IN)";

    private readonly string _source;
    private readonly SearchKeyRules _rules;
    private readonly SearchTokenCursor _cursor;
    private readonly SearchErrors _errors;

    private SearchFilterGrammar(string source, SearchKeyRules rules)
    {
        _source = source;
        _rules = rules;
        _errors = SearchErrors.ForFilter(source);
        _cursor = new SearchTokenCursor(SearchTokenizer.Tokenize(source, _errors), _errors);
    }

    public static FilterNode Parse(string source, SearchKeyRules rules)
    {
        var grammar = new SearchFilterGrammar(source, rules);
        var node = grammar.ParseOr();
        grammar._cursor.ExpectEnd("AND, OR or the end of the filter");
        return node;
    }

    private FilterNode ParseOr()
    {
        List<FilterNode> terms = [ParseAnd()];
        while (_cursor.TryKeyword("OR"))
        {
            terms.Add(ParseAnd());
        }
        return Combine(terms, and: false);
    }

    private FilterNode ParseAnd()
    {
        List<FilterNode> terms = [ParsePrimary()];
        while (_cursor.TryKeyword("AND"))
        {
            terms.Add(ParsePrimary());
        }
        return Combine(terms, and: true);
    }

    private FilterNode ParsePrimary()
    {
        if (_cursor.Peek.Kind != SearchTokenKind.LeftParen)
        {
            return ParseComparison();
        }
        _cursor.Next();
        var inner = ParseOr();
        _cursor.Expect(SearchTokenKind.RightParen, "AND, OR or ')'");
        return inner;
    }

    private ComparisonNode ParseComparison()
    {
        var key = SearchKeyReader.Read(_cursor, _source);
        var kind = SearchKeyReader.ResolveEntity(key, _rules, _errors);
        var rule = _rules.ResolveFilterKey(kind, key.Name, key.Text, out var keyError)
            ?? throw _errors.At(key.Start, keyError);
        var what = $"{SearchKeyRules.EntityName(kind)} key {SearchErrors.Quote(key.Text)}";

        var (op, opStart, opText) = ParseComparator();
        if (!rule.Comparators.Contains(op))
        {
            var allowed = string.Join(", ", rule.Comparators.Select(SearchKeyRules.ComparatorText));
            throw _errors.At(opStart, $"comparator {SearchErrors.Quote(opText)} is not allowed for {what}; allowed comparators: {allowed}");
        }

        FilterValue value;
        if (op is Comparator.In or Comparator.NotIn)
        {
            value = ParseList();
        }
        else
        {
            var token = _cursor.Next();
            value = token.Kind switch
            {
                SearchTokenKind.Number => new NumberValue(token.Number),
                SearchTokenKind.SingleQuoted or SearchTokenKind.DoubleQuoted => new StringValue(token.Value),
                _ => throw _errors.Unexpected(token, "a value (a quoted string or a number)"),
            };
            if (rule.ValueKind == SearchValueKind.Number && value is not NumberValue)
            {
                throw _errors.At(token.Start, $"{what} takes a number but found {token.Display}");
            }
            if (rule.ValueKind == SearchValueKind.String && value is not StringValue)
            {
                throw _errors.At(token.Start, $"{what} takes a quoted string but found {token.Display}");
            }
        }
        return new ComparisonNode(kind, rule.Key, op, value);
    }

    private (Comparator Op, int Start, string Text) ParseComparator()
    {
        var token = _cursor.Next();
        if (token.Kind == SearchTokenKind.Operator)
        {
            Comparator? op = token.Text switch
            {
                "=" => Comparator.Equal,
                "!=" => Comparator.NotEqual,
                ">" => Comparator.Greater,
                ">=" => Comparator.GreaterOrEqual,
                "<" => Comparator.Less,
                "<=" => Comparator.LessOrEqual,
                _ => null,
            };
            return op is { } known ? (known, token.Start, token.Text) : throw _errors.Unexpected(token, AnyComparator);
        }
        if (token.IsKeyword("LIKE"))
        {
            return (Comparator.Like, token.Start, token.Text);
        }
        if (token.IsKeyword("ILIKE"))
        {
            return (Comparator.ILike, token.Start, token.Text);
        }
        if (token.IsKeyword("IN"))
        {
            return (Comparator.In, token.Start, token.Text);
        }
        if (token.IsKeyword("NOT"))
        {
            var next = _cursor.Next();
            return next.IsKeyword("IN")
                ? (Comparator.NotIn, token.Start, _source[token.Start..next.End])
                : throw _errors.Unexpected(next, "IN after NOT");
        }
        throw _errors.Unexpected(token, AnyComparator);
    }

    private ListValue ParseList()
    {
        _cursor.Expect(SearchTokenKind.LeftParen, "'(' starting a list of quoted strings");
        var values = new List<string>();
        while (true)
        {
            var item = _cursor.Next();
            if (item.Kind is not (SearchTokenKind.SingleQuoted or SearchTokenKind.DoubleQuoted))
            {
                throw _errors.Unexpected(item, "a quoted string");
            }
            values.Add(item.Value);
            var separator = _cursor.Next();
            if (separator.Kind == SearchTokenKind.RightParen)
            {
                return new ListValue(values);
            }
            if (separator.Kind != SearchTokenKind.Comma)
            {
                throw _errors.Unexpected(separator, "',' or ')'");
            }
        }
    }

    /// <summary>One term stands alone; nested ANDs (or ORs) from parentheses merge into their parent.</summary>
    private static FilterNode Combine(List<FilterNode> terms, bool and)
    {
        if (terms.Count == 1)
        {
            return terms[0];
        }
        var flat = new List<FilterNode>(terms.Count);
        foreach (var term in terms)
        {
            switch (term)
            {
                case AndNode nested when and:
                    flat.AddRange(nested.Terms);
                    break;
                case OrNode nested when !and:
                    flat.AddRange(nested.Terms);
                    break;
                default:
                    flat.Add(term);
                    break;
            }
        }
        return and ? new AndNode(flat) : new OrNode(flat);
    }
}
