using System.Globalization;

namespace Keel.Web.Pages.Registry;

/// <summary>What a lineage node stands for; each kind has its own column and colour.</summary>
public enum LineageNodeKind
{
    Dataset,
    Run,
    ModelVersion,
    Deployment,

    /// <summary>A placeholder saying what is not there (no run, no dataset input, not deployed).</summary>
    Missing,
}

/// <summary>One box of the graph: a caption (its kind), a title and a detail line, and the page it links to.</summary>
public sealed record LineageNode(string Id, LineageNodeKind Kind, string Caption, string Title, string? Detail, string? Href);

/// <summary>An arrow from one node to another (by id).</summary>
public sealed record LineageEdge(string From, string To);

/// <summary>A node placed in the SVG, with its texts cut to fit (the full text is its tooltip).</summary>
public sealed record PlacedLineageNode(LineageNode Node, double X, double Y)
{
    public string ShortTitle => LineageGraphModel.Shorten(Node.Title, 30);

    public string? ShortDetail => Node.Detail is null ? null : LineageGraphModel.Shorten(Node.Detail, 36);

    public string Tooltip => Node.Detail is null ? $"{Node.Caption}: {Node.Title}" : $"{Node.Caption}: {Node.Title} ({Node.Detail})";
}

/// <summary>
/// The lineage graph laid out in columns (data → run → model version → deployments), drawn by <c>LineageGraph.razor</c>
/// as server-side SVG: no script, links are real <c>&lt;a&gt;</c> elements, so it works with the keyboard and the CSP.
/// </summary>
public sealed class LineageGraphModel
{
    public const double NodeWidth = 240;
    public const double NodeHeight = 62;
    private const double ColumnGap = 72;
    private const double RowGap = 18;
    private const double Padding = 8;
    private const double HeaderHeight = 26;

    public LineageGraphModel(IReadOnlyList<(string Heading, IReadOnlyList<LineageNode> Nodes)> columns, IReadOnlyList<LineageEdge> edges)
    {
        ArgumentNullException.ThrowIfNull(columns);
        var rows = Math.Max(1, columns.Max(c => c.Nodes.Count));
        Height = Padding * 2 + HeaderHeight + rows * NodeHeight + (rows - 1) * RowGap;
        Width = Padding * 2 + columns.Count * NodeWidth + (columns.Count - 1) * ColumnGap;
        var placed = new List<PlacedLineageNode>();
        var headings = new List<(string, double)>();
        for (var c = 0; c < columns.Count; c++)
        {
            var x = Padding + c * (NodeWidth + ColumnGap);
            headings.Add((columns[c].Heading, x));
            var nodes = columns[c].Nodes;
            // Centre shorter columns vertically so arrows stay short.
            var top = Padding + HeaderHeight + (rows - nodes.Count) * (NodeHeight + RowGap) / 2;
            for (var r = 0; r < nodes.Count; r++)
            {
                placed.Add(new PlacedLineageNode(nodes[r], x, top + r * (NodeHeight + RowGap)));
            }
        }
        Nodes = placed;
        Headings = headings;
        var byId = placed.ToDictionary(p => p.Node.Id, StringComparer.Ordinal);
        Paths = edges
            .Where(e => byId.ContainsKey(e.From) && byId.ContainsKey(e.To))
            .Select(e => EdgePath(byId[e.From], byId[e.To]))
            .ToArray();
    }

    public double Width { get; }

    public double Height { get; }

    public IReadOnlyList<PlacedLineageNode> Nodes { get; }

    public IReadOnlyList<(string Text, double X)> Headings { get; }

    /// <summary>SVG path data of each edge: a horizontal S-curve from the right edge of one box to the left of the next.</summary>
    public IReadOnlyList<string> Paths { get; }

    public string ViewBox => Invariant($"0 0 {Width} {Height}");

    public static double HeadingY => Padding + 16;

    public static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    public static string Shorten(string text, int max)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");
    }

    private static string EdgePath(PlacedLineageNode from, PlacedLineageNode to)
    {
        var x1 = from.X + NodeWidth;
        var y1 = from.Y + NodeHeight / 2;
        var x2 = to.X - 4;
        var y2 = to.Y + NodeHeight / 2;
        var mid = (x1 + x2) / 2;
        return Invariant($"M {x1} {y1} C {mid} {y1}, {mid} {y2}, {x2} {y2}");
    }
}
