using System.Globalization;
using Keel.Cli.Output;
using Keel.Contracts.KeelApi;
using Spectre.Console;

namespace Keel.Cli.Commands;

/// <summary>How deployments read in a terminal: one deployment, the list, and a history.</summary>
internal static class DeployTables
{
    public static void WriteDeployment(CliOutput output, DeploymentDto deployment)
    {
        var summary = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        summary.AddRow("[bold]Deployment[/]", $"[bold]{Markup.Escape(deployment.Name)}[/]");
        summary.AddRow("Revision", Format.Integer(deployment.Revision));
        summary.AddRow("Sticky header", Markup.Escape(deployment.Spec.StickyHeader ?? "none (random routing)"));
        summary.AddRow("Created", Format.Timestamp(deployment.CreatedAt, output.Time));
        summary.AddRow("Last updated", Format.Timestamp(deployment.UpdatedAt, output.Time));
        output.Write(summary);
        WriteRoutes(output, deployment);
    }

    public static void WriteRoutes(CliOutput output, DeploymentDto deployment)
    {
        var routes = deployment.Spec.Routes;
        var total = routes.Sum(r => r.Weight ?? 0);
        output.Section("Routes", routes.Count, () =>
        {
            var table = new Table()
                .AddColumn("Route")
                .AddColumn("Model URI")
                .AddColumn(new TableColumn("Weight").RightAligned())
                .AddColumn(new TableColumn("Share").RightAligned());
            foreach (var route in routes)
            {
                table.AddRow(Markup.Escape(route.Name ?? ""), Markup.Escape(route.ModelUri ?? ""), Format.Number(route.Weight ?? 0), Share(route.Weight, total));
            }

            return table;
        });
        output.Section("Shadows", deployment.Spec.Shadows.Count, () =>
        {
            var table = new Table().AddColumns("Shadow", "Model URI");
            foreach (var shadow in deployment.Spec.Shadows)
            {
                table.AddRow(Markup.Escape(shadow.Name ?? ""), Markup.Escape(shadow.ModelUri ?? ""));
            }

            return table;
        });
    }

    public static void WriteList(CliOutput output, IReadOnlyList<DeploymentDto> deployments)
    {
        if (deployments.Count == 0)
        {
            output.Line("No deployments.");
            return;
        }

        var table = new Table()
            .AddColumn(new TableColumn("Name").NoWrap())
            .AddColumn(new TableColumn("Revision").RightAligned())
            .AddColumn("Routes")
            .AddColumn("Shadows")
            .AddColumn(new TableColumn("Last updated").NoWrap());
        foreach (var deployment in deployments)
        {
            table.AddRow(
                Markup.Escape(deployment.Name),
                Format.Integer(deployment.Revision),
                Markup.Escape(RouteSummary(deployment.Spec)),
                Markup.Escape(string.Join(", ", deployment.Spec.Shadows.Select(s => s.Name))),
                Format.Timestamp(deployment.UpdatedAt, output.Time));
        }

        output.Write(table);
        output.Line($"{deployments.Count} deployment(s).");
    }

    public static void WriteHistory(CliOutput output, IReadOnlyList<DeploymentDto> revisions)
    {
        var table = new Table()
            .AddColumn(new TableColumn("Revision").RightAligned())
            .AddColumn(new TableColumn("Made").NoWrap())
            .AddColumn("Routes")
            .AddColumn("Shadows")
            .AddColumn("Sticky header");
        foreach (var revision in revisions)
        {
            table.AddRow(
                Format.Integer(revision.Revision),
                Format.Timestamp(revision.UpdatedAt, output.Time),
                Markup.Escape(RouteSummary(revision.Spec)),
                Markup.Escape(string.Join(", ", revision.Spec.Shadows.Select(s => $"{s.Name} → {s.ModelUri}"))),
                Markup.Escape(revision.Spec.StickyHeader ?? ""));
        }

        output.Write(table);
        output.Line($"{revisions.Count} revision(s); the first is current.");
    }

    private static string RouteSummary(DeploymentSpecDto spec)
    {
        var total = spec.Routes.Sum(r => r.Weight ?? 0);
        return string.Join(", ", spec.Routes.Select(r => $"{r.Name} {Share(r.Weight, total)} → {r.ModelUri}"));
    }

    private static string Share(double? weight, double total) =>
        total > 0 ? ((weight ?? 0) / total).ToString("0.#%", CultureInfo.InvariantCulture) : "";
}
