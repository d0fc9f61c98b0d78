using System.Security.Cryptography;
using System.Text;

namespace Keel.Monitoring.Reports;

/// <summary>The report's one inline style sheet and the Content-Security-Policy that allows exactly it.</summary>
internal static class HtmlReportStyle
{
    // Plots keep a light card in dark mode: ScottPlot draws dark ink on white, and recolouring it would cost a second SVG per plot.
    public const string Css = """
        :root { color-scheme: light dark; --bg: #ffffff; --fg: #1d2330; --muted: #5b6477; --line: #d9dde5; --card: #f6f7f9;
          --drift: #b3261e; --drift-bg: #fde7e6; --ok: #1b6e3a; --ok-bg: #e3f4e8; --warn: #7a5300; --warn-bg: #fff1d1; }
        @media (prefers-color-scheme: dark) {
          :root { --bg: #14171c; --fg: #e6e9ef; --muted: #a3abba; --line: #353b46; --card: #1d2128;
            --drift: #ffb4ab; --drift-bg: #4a1713; --ok: #9ad8ac; --ok-bg: #163a22; --warn: #f5d48a; --warn-bg: #3d2f0c; }
        }
        * { box-sizing: border-box; }
        body { margin: 0; background: var(--bg); color: var(--fg); font: 15px/1.45 system-ui, "DejaVu Sans", sans-serif; }
        header, main, footer { max-width: 1240px; margin: 0 auto; padding: 0 24px; }
        header { padding-top: 24px; }
        h1 { font-size: 1.6rem; margin: 0 0 8px; }
        h2 { font-size: 1.3rem; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
        h3 { font-size: 1.05rem; margin: 24px 0 8px; }
        .name { font-family: ui-monospace, "DejaVu Sans Mono", monospace; overflow-wrap: anywhere; }
        dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0; color: var(--muted); }
        dl.meta dd { margin: 0; color: var(--fg); overflow-wrap: anywhere; }
        table { border-collapse: collapse; width: 100%; margin: 8px 0; font-variant-numeric: tabular-nums; }
        th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; overflow-wrap: anywhere; }
        th { color: var(--muted); font-weight: 600; white-space: nowrap; overflow-wrap: normal; }
        td.num { text-align: right; }
        .badge { display: inline-block; padding: 0 8px; border-radius: 10px; font-size: 0.85em; font-weight: 600; white-space: nowrap; }
        .badge.drift { color: var(--drift); background: var(--drift-bg); }
        .badge.ok { color: var(--ok); background: var(--ok-bg); }
        .badge.problem { color: var(--warn); background: var(--warn-bg); }
        .notice { padding: 12px 16px; border-radius: 8px; background: var(--warn-bg); color: var(--warn); }
        .muted { color: var(--muted); }
        .plots { display: grid; grid-template-columns: repeat(auto-fill, minmax(380px, 1fr)); gap: 16px; }
        figure.plot { margin: 0; padding: 8px; border: 1px solid var(--line); border-radius: 8px; background: var(--card); }
        figure.plot figcaption { font-weight: 600; margin: 0 0 4px; overflow-wrap: anywhere; }
        figure.plot svg { display: block; width: 100%; height: auto; background: #ffffff; border-radius: 4px; }
        footer { margin-top: 40px; padding-bottom: 24px; color: var(--muted); font-size: 0.85em; }
        """;

    /// <summary>No script, no request of any kind; the one style sheet allowed by its hash.</summary>
    public static string ContentSecurityPolicy { get; } =
        $"default-src 'none'; style-src '{Hash(Css)}'; base-uri 'none'; form-action 'none'";

    private static string Hash(string css) => "sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(css)));
}
