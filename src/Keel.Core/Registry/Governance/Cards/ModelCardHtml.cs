using System.Net;
using System.Text;

namespace Keel.Core.Registry.Governance.Cards;

/// <summary>
/// Renders a card as one self-contained HTML page: every text HTML-encoded, inline CSS only, no script, so a card
/// can be opened or attached anywhere.
/// </summary>
public static class ModelCardHtml
{
    private const string Style =
        "body{font-family:system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}"
        + "table{border-collapse:collapse;margin:.5rem 0 1rem}th,td{border:1px solid #d0d7de;padding:.3rem .6rem;text-align:left;vertical-align:top}"
        + "th{background:#f6f8fa}h2{border-bottom:1px solid #d0d7de;padding-bottom:.2rem}";

    public static string Render(ModelCard card) => Render(CardLayout.Lay(card));

    public static string Render(CardDocument document)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
            .Append(Encode(document.Title)).Append("</title>\n<style>").Append(Style).Append("</style>\n</head>\n<body>\n<h1>")
            .Append(Encode(document.Title)).Append("</h1>\n");
        foreach (var section in document.Sections)
        {
            var tag = section.Level == 3 ? "h3" : "h2";
            html.Append('<').Append(tag).Append('>').Append(Encode(section.Title)).Append("</").Append(tag).Append(">\n");
            foreach (var block in section.Blocks)
            {
                switch (block)
                {
                    case CardParagraph p:
                        html.Append("<p>").Append(Encode(p.Text)).Append("</p>\n");
                        break;
                    case CardTable t:
                        Table(html, t);
                        break;
                }
            }
        }
        return html.Append("</body>\n</html>\n").ToString();
    }

    private static void Table(StringBuilder html, CardTable table)
    {
        html.Append("<table>\n<thead><tr>");
        foreach (var header in table.Headers)
        {
            html.Append("<th>").Append(Encode(header)).Append("</th>");
        }
        html.Append("</tr></thead>\n<tbody>\n");
        foreach (var row in table.Rows)
        {
            html.Append("<tr>");
            foreach (var cell in row)
            {
                html.Append("<td>").Append(Encode(cell)).Append("</td>");
            }
            html.Append("</tr>\n");
        }
        html.Append("</tbody>\n</table>\n");
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
