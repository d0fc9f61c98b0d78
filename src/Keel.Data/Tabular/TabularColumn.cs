namespace Keel.Data.Tabular;

/// <summary>A column of a table: its name and its <see cref="Keel.Core.Data.Profiles.ColumnKinds"/> type.</summary>
public sealed record TabularColumn(string Name, string Type);
