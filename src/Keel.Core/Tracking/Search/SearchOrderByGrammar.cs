namespace Keel.Core.Tracking.Search;

/// <summary>Parses one order_by clause: <c>key [ASC|DESC]</c>, ascending by default, keywords in any case.</summary>
internal static class SearchOrderByGrammar
{
    public static IReadOnlyList<OrderByTerm> Parse(IReadOnlyList<string>? clauses, SearchKeyRules rules)
    {
        if (clauses is null || clauses.Count == 0)
        {
            return [];
        }
        var terms = new List<OrderByTerm>(clauses.Count);
        foreach (var clause in clauses)
        {
            terms.Add(ParseOne(clause ?? string.Empty, rules));
        }
        return terms;
    }

    private static OrderByTerm ParseOne(string clause, SearchKeyRules rules)
    {
        var errors = SearchErrors.ForOrderBy(clause);
        var cursor = new SearchTokenCursor(SearchTokenizer.Tokenize(clause, errors), errors);
        var key = SearchKeyReader.Read(cursor, clause);
        var kind = SearchKeyReader.ResolveEntity(key, rules, errors);
        var canonical = rules.ResolveOrderByKey(kind, key.Name, key.Text, out var keyError)
            ?? throw errors.At(key.Start, keyError);
        var ascending = true;
        if (!cursor.TryKeyword("ASC") && cursor.TryKeyword("DESC"))
        {
            ascending = false;
        }
        cursor.ExpectEnd("ASC, DESC or the end of the clause");
        return new OrderByTerm(kind, canonical, ascending);
    }
}
