namespace Keel.Core.Tracking.Search;

/// <summary>A key as written: <c>Entity</c> is null for a bare name, which MLflow reads as an attribute.</summary>
internal sealed record SearchKeySyntax(string? Entity, string Name, string Text, int Start);

/// <summary>
/// Reads <c>&lt;entity&gt;.&lt;name&gt;</c> where the name may be backticked or double-quoted
/// (<c>metrics.`my metric`</c>, <c>params."a b"</c>) and an unquoted name keeps its dots
/// (<c>tags.mlflow.source.name</c> is tag <c>mlflow.source.name</c>). The parts must touch.
/// </summary>
internal static class SearchKeyReader
{
    public static SearchKeySyntax Read(SearchTokenCursor cursor, string source)
    {
        var errors = cursor.Errors;
        var first = cursor.Next();
        // A bare AND/OR here is a dangling connective, not an attribute named "and".
        if (first.Kind is not (SearchTokenKind.Word or SearchTokenKind.BacktickName or SearchTokenKind.DoubleQuoted)
            || first.IsKeyword("AND") || first.IsKeyword("OR"))
        {
            throw errors.Unexpected(first, "a key");
        }
        var dot = cursor.Peek;
        if (dot.Kind != SearchTokenKind.Dot || dot.Start != first.End)
        {
            if (first.Kind == SearchTokenKind.Word)
            {
                var split = first.Text.IndexOf('.', StringComparison.Ordinal);
                return split < 0
                    ? new SearchKeySyntax(null, first.Text, first.Text, first.Start)
                    : new SearchKeySyntax(first.Text[..split], first.Text[(split + 1)..], first.Text, first.Start);
            }
            return Named(null, first, first, source, errors);
        }
        if (first.Kind == SearchTokenKind.Word && first.Text.Contains('.', StringComparison.Ordinal))
        {
            throw errors.At(dot.Start, $"unexpected token {dot.Display}: quote the whole key name after the entity type");
        }
        cursor.Next();
        var name = cursor.Next();
        if (name.Start != dot.End || name.Kind is not (SearchTokenKind.Word or SearchTokenKind.BacktickName or SearchTokenKind.DoubleQuoted))
        {
            throw errors.Unexpected(name, $"a key name right after {SearchErrors.Quote(source[first.Start..dot.End])}");
        }
        return Named(first.Value, first, name, source, errors);
    }

    /// <summary>Resolves the entity type; a bare name is an attribute.</summary>
    public static EntityKind ResolveEntity(SearchKeySyntax key, SearchKeyRules rules, SearchErrors errors)
    {
        if (key.Entity is null)
        {
            return EntityKind.Attribute;
        }
        if (rules.TryResolveEntity(key.Entity, out var kind))
        {
            return kind;
        }
        throw errors.At(
            key.Start,
            $"unknown entity type '{key.Entity}' in key {SearchErrors.Quote(key.Text)}; valid entity types: {rules.ValidEntities}");
    }

    private static SearchKeySyntax Named(string? entity, SearchToken first, SearchToken name, string source, SearchErrors errors)
    {
        var text = source[first.Start..name.End];
        if (name.Value.Length == 0)
        {
            throw errors.At(name.Start, $"empty key name {name.Display} in key {SearchErrors.Quote(text)}");
        }
        return new SearchKeySyntax(entity, name.Value, text, first.Start);
    }
}
