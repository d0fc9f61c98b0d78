namespace Keel.Core.Registry.Governance.Cards;

/// <summary>
/// A card laid out as sections of paragraphs and tables, so Markdown and HTML show the same content and differ only
/// in syntax and escaping. All text is plain (never markup); renderers escape it.
/// </summary>
public sealed record CardDocument(string Title, IReadOnlyList<CardSection> Sections);

/// <summary>One titled section; <paramref name="Level"/> 2 for a section, 3 for a subsection.</summary>
public sealed record CardSection(string Title, IReadOnlyList<CardBlock> Blocks, int Level = 2);

/// <summary>A paragraph or a table.</summary>
public abstract record CardBlock;

/// <summary>Plain text.</summary>
public sealed record CardParagraph(string Text) : CardBlock;

/// <summary>A table; every row has as many cells as there are headers.</summary>
public sealed record CardTable(IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<string>> Rows) : CardBlock;
