using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Keel.Monitoring.Reports;
using static Keel.Monitoring.Tests.Reports.ReportSamples;

namespace Keel.Monitoring.Tests.Reports;

public sealed partial class HtmlReportWriterTests
{
    internal const string HostileDeployment = "<script>window.__xss=1</script>";
    internal const string HostileFeature = "\"><img src=x onerror=\"window.__xss=2\">";
    internal const string HostileCategory = "</style><script>window.__xss=3</script>";
    internal const string HostileMonitor = "'><svg onload=window.__xss=4>";

    /// <summary>Three runs of two monitors over numeric and categorical features, with user-supplied names that try to inject markup.</summary>
    internal static MonitorReport HostileReport()
    {
        var runs = Enumerable.Range(1, 3).SelectMany(hour => new[]
        {
            Run(hour, [Numeric("age", 0.5 / hour, hour == 3, shift: hour * 0.05), Numeric(HostileFeature, 0.3, false),
                    Categorical("plan", 0.04 * hour, hour == 3, "basic", "pro", HostileCategory)],
                Quality(0.95 - hour * 0.03, 0.9 - hour * 0.02), deployment: HostileDeployment,
                alerts: hour == 3 ? [Alert(3, deployment: HostileDeployment, rule: HostileFeature)] : null),
            Run(hour, [Numeric("age", 0.4, false)], monitor: HostileMonitor, deployment: HostileDeployment),
        }).ToList();
        var query = new MonitorReportQuery(HostileDeployment, null, Start, Start.AddDays(1));
        return MonitorReportBuilder.Build(query, runs, null, Start.AddDays(1));
    }

    [Fact]
    public void Write_HostileNames_AreEncodedEverywhere()
    {
        var html = HtmlReportWriter.Write(HostileReport());

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<svg onload", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("onerror=\"", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;window.__xss=1&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("data-feature=\"&quot;&gt;&lt;img src=x onerror=&quot;window.__xss=2&quot;&gt;\"", html, StringComparison.Ordinal);
        Assert.Single(StyleElements().Matches(html));
    }

    [Fact]
    public void Write_Plots_AreWellFormedSvgWithUniqueIdsAndNoExternalReference()
    {
        var html = HtmlReportWriter.Write(HostileReport());

        var svgs = SvgElements().Matches(html).Select(m => XElement.Parse(m.Value)).ToList();
        Assert.Equal(Figures().Count(html), svgs.Count);
        var ids = svgs.SelectMany(s => s.DescendantsAndSelf()).Select(e => (string?)e.Attribute("id")).OfType<string>().ToList();
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        foreach (var svg in svgs)
        {
            Assert.NotNull(svg.Attribute("viewBox"));
            Assert.Contains(svg.Descendants(), e => e.Name.LocalName is "rect" or "path");
            Assert.DoesNotContain(svg.DescendantsAndSelf().Attributes(), a => a.Name.LocalName is "href" || a.Name.LocalName.StartsWith("on", StringComparison.Ordinal));
        }
        // The only URLs in the file are XML namespace names, which nothing fetches.
        var urls = Urls().Matches(html).Select(m => m.Value).Distinct().ToList();
        Assert.All(urls, url => Assert.Contains(url, new[] { "http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink" }));
        Assert.DoesNotMatch(@"url\((?!#)", html);
    }

    [Fact]
    public void Write_Report_HasOnePlotPerHistogramAndSeries()
    {
        var report = HostileReport();

        var html = HtmlReportWriter.Write(report);

        var main = report.Monitors.Single(m => m.Monitor == MonitorName);
        Assert.Equal(report.Monitors.Sum(m => m.Histograms.Count), Count(html, "data-plot=\"histogram\""));
        Assert.Equal(report.Monitors.Sum(m => m.DriftScores.Count), Count(html, "data-plot=\"drift-score\""));
        Assert.Equal(2, Count(html, "data-plot=\"drifted-share\""));
        Assert.Equal(main.Quality.Count, Count(html, "data-plot=\"quality\""));
        Assert.Equal(2, Count(html, "data-plot=\"latency\""));
        Assert.Equal(2, Count(html, "data-plot=\"traffic\""));
        Assert.Contains("data-plot=\"histogram\" data-feature=\"plan\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_ContentSecurityPolicy_ForbidsScriptsAndAllowsExactlyTheInlineStyle()
    {
        var html = HtmlReportWriter.Write(HostileReport());

        var policy = HtmlReportWriter.ContentSecurityPolicy;
        Assert.StartsWith("default-src 'none';", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("script-src", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe", policy, StringComparison.Ordinal);
        Assert.Contains($"<meta http-equiv=\"Content-Security-Policy\" content=\"{policy.Replace("'", "&#x27;", StringComparison.Ordinal)}\">", html, StringComparison.Ordinal);
        var css = StyleElements().Match(html).Groups[1].Value;
        var hash = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(css)));
        Assert.Contains($"style-src 'sha256-{hash}'", policy, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_EmptyReport_SaysWhyAndDrawsNothing()
    {
        var report = MonitorReportBuilder.Build(Query(), [], [], Start);

        var html = HtmlReportWriter.Write(report);

        Assert.Contains("<p class=\"notice\" id=\"empty\">No monitor runs in this range: no monitor of this deployment ran between", html, StringComparison.Ordinal);
        Assert.Contains("No alerts fired in this range.", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<figure", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_LatestRunWithProblem_ShowsTheProblemAndStillDrawsServing()
    {
        var report = MonitorReportBuilder.Build(Query(), [Run(1, null, problem: "the window held no logged predictions")], null, Start.AddDays(1));

        var html = HtmlReportWriter.Write(report);

        Assert.Contains("<p class=\"notice\">the window held no logged predictions</p>", html, StringComparison.Ordinal);
        Assert.Contains("<dt>Dataset drift</dt><dd>not computed</dd>", html, StringComparison.Ordinal);
        Assert.Equal(1, Count(html, "data-plot=\"traffic\""));
        Assert.Equal(0, Count(html, "data-plot=\"histogram\""));
    }

    private static int Count(string html, string text) => Regex.Count(html, Regex.Escape(text));

    [GeneratedRegex("<style>(.*?)</style>", RegexOptions.Singleline)]
    private static partial Regex StyleElements();

    [GeneratedRegex("<svg .*?</svg>", RegexOptions.Singleline)]
    private static partial Regex SvgElements();

    [GeneratedRegex("<figure class=\"plot\"")]
    private static partial Regex Figures();

    [GeneratedRegex("(?i)(https?|ftp|file|data|javascript):[^\"'\\s)]*")]
    private static partial Regex Urls();
}
