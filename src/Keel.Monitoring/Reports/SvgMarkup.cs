using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace Keel.Monitoring.Reports;

/// <summary>
/// Turns ScottPlot's SVG into markup safe to inline in the report: a well-formed element of drawing elements only
/// (no script, no external reference, no event attribute), ids made unique to the plot, and a viewBox so CSS can size it.
/// </summary>
internal static class SvgMarkup
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    // Everything ScottPlot draws with; anything else (script, foreignObject, image, use, a …) is dropped.
    private static readonly HashSet<string> AllowedElements = new(StringComparer.Ordinal)
    {
        "svg", "g", "defs", "clipPath", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text", "tspan", "title",
    };

    /// <summary>Cleans <paramref name="svg"/>; <paramref name="idPrefix"/> keeps ids unique among the page's plots.</summary>
    public static string Clean(string svg, int width, int height, string idPrefix, string label)
    {
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };
        using var reader = XmlReader.Create(new StringReader(svg), settings);
        var root = XDocument.Load(reader).Root ?? throw new InvalidOperationException("the plot produced no SVG");
        foreach (var element in root.DescendantsAndSelf().ToList())
        {
            if (element.Name.Namespace != Svg || !AllowedElements.Contains(element.Name.LocalName))
            {
                element.Remove();
                continue;
            }
            CleanAttributes(element, idPrefix);
        }
        root.SetAttributeValue("width", null);
        root.SetAttributeValue("height", null);
        root.SetAttributeValue("viewBox", string.Create(CultureInfo.InvariantCulture, $"0 0 {width} {height}"));
        root.SetAttributeValue("role", "img");
        root.SetAttributeValue("aria-label", label);
        return root.ToString(SaveOptions.DisableFormatting | SaveOptions.OmitDuplicateNamespaces);
    }

    private static void CleanAttributes(XElement element, string idPrefix)
    {
        foreach (var attribute in element.Attributes().ToList())
        {
            if (attribute.IsNamespaceDeclaration)
            {
                continue;
            }
            var name = attribute.Name.LocalName;
            if (name.StartsWith("on", StringComparison.OrdinalIgnoreCase) || name is "style" or "href")
            {
                attribute.Remove();
            }
            else if (name == "id")
            {
                attribute.Value = idPrefix + attribute.Value;
            }
            else if (attribute.Value.Contains("url(", StringComparison.Ordinal))
            {
                attribute.Value = attribute.Value.StartsWith("url(#", StringComparison.Ordinal) ? "url(#" + idPrefix + attribute.Value[5..] : "none";
            }
            else if (element.Name.LocalName == "text" && name is "x" or "y")
            {
                // Skia places every glyph ("x0, x1, …, "); a browser with another font lays the text out better from its start alone.
                attribute.Value = attribute.Value.Split(',', StringSplitOptions.TrimEntries)[0];
            }
        }
    }
}
