using System.Text;

namespace Keel.Core.Registry.Governance.Cards;

/// <summary>Renders a card as GitHub-flavoured Markdown; text that Markdown would read as markup is escaped.</summary>
public static class ModelCardMarkdown
{
    public static string Render(ModelCard card) => Render(CardLayout.Lay(card));

    public static string Render(CardDocument document)
    {
        var md = new StringBuilder();
        md.Append("# ").Append(Escape(document.Title)).Append('\n');
        foreach (var section in document.Sections)
        {
            md.Append('\n').Append('#', section.Level).Append(' ').Append(Escape(section.Title)).Append("\n\n");
            foreach (var block in section.Blocks)
            {
                switch (block)
                {
                    case CardParagraph p:
                        md.Append(Escape(p.Text)).Append("\n\n");
                        break;
                    case CardTable t:
                        Table(md, t);
                        break;
                }
            }
        }
        return md.ToString().TrimEnd('\n') + "\n";
    }

    private static void Table(StringBuilder md, CardTable table)
    {
        md.Append("| ").Append(string.Join(" | ", table.Headers.Select(Escape))).Append(" |\n");
        md.Append('|').Append(string.Concat(table.Headers.Select(_ => " --- |"))).Append('\n');
        foreach (var row in table.Rows)
        {
            md.Append("| ").Append(string.Join(" | ", row.Select(Escape))).Append(" |\n");
        }
        md.Append('\n');
    }

    // Backslash-escapes Markdown's punctuation (pipes included, for tables) and flattens line breaks, so stored text
    // (descriptions, reasons) can neither break the layout nor inject links or HTML.
    private static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length);
        foreach (var c in text.Replace("\r\n", " ", StringComparison.Ordinal))
        {
            if (c is '\r' or '\n')
            {
                escaped.Append(' ');
            }
            else if (c is '\\' or '`' or '*' or '_' or '{' or '}' or '[' or ']' or '(' or ')' or '#' or '+' or '!' or '|' or '<' or '>' or '~')
            {
                escaped.Append('\\').Append(c);
            }
            else
            {
                escaped.Append(c);
            }
        }
        return escaped.ToString();
    }
}
