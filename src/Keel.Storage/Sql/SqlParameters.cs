namespace Keel.Storage.Sql;

/// <summary>Collects the values of a generated SQL statement as positional <c>@pN</c> parameters.</summary>
internal sealed class SqlParameters
{
    private readonly List<KeyValuePair<string, object>> _values = [];

    public IReadOnlyList<KeyValuePair<string, object>> Values => _values;

    public string Add(object? value)
    {
        var name = $"@p{_values.Count}";
        _values.Add(new(name, value ?? DBNull.Value));
        return name;
    }
}
