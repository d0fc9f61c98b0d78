using System.Globalization;
using Keel.Cli.Output;
using Keel.Contracts.Mlflow;
using Spectre.Console;

namespace Keel.Cli.Commands;

/// <summary>How the registry reads in a terminal: the model list, one model, and a model's versions.</summary>
internal static class ModelTables
{
    public static void WriteList(CliOutput output, IReadOnlyList<RegisteredModelDto> models)
    {
        if (models.Count == 0)
        {
            output.Line("No registered models.");
            return;
        }

        var table = new Table()
            .AddColumn(new TableColumn("Name").NoWrap())
            .AddColumn(new TableColumn("Latest version").RightAligned())
            .AddColumn("Aliases")
            .AddColumn("Description")
            .AddColumn(new TableColumn("Last updated").NoWrap());
        foreach (var model in models)
        {
            table.AddRow(
                Markup.Escape(model.Name),
                model.LatestVersions.Select(v => Number(v.Version)).DefaultIfEmpty(0).Max() is var latest and > 0 ? Format.Integer(latest) : "",
                Markup.Escape(Aliases(model.Aliases)),
                Markup.Escape(model.Description ?? ""),
                Format.Timestamp(model.LastUpdatedTimestamp, output.Time));
        }

        output.Write(table);
        output.Line($"{models.Count} model(s).");
    }

    public static void WriteModel(CliOutput output, RegisteredModelDto model)
    {
        var summary = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        summary.AddRow("[bold]Model[/]", $"[bold]{Markup.Escape(model.Name)}[/]");
        summary.AddRow("Description", Markup.Escape(model.Description ?? ""));
        summary.AddRow("Created", Format.Timestamp(model.CreationTimestamp, output.Time));
        summary.AddRow("Last updated", Format.Timestamp(model.LastUpdatedTimestamp, output.Time));
        output.Write(summary);

        output.Section("Aliases", model.Aliases.Count, () =>
        {
            var table = new Table().AddColumns("Alias", "Version");
            foreach (var alias in model.Aliases.OrderBy(a => a.Alias, StringComparer.Ordinal))
            {
                table.AddRow(Markup.Escape(alias.Alias), Markup.Escape(alias.Version));
            }

            return table;
        });
        output.Section("Latest versions", model.LatestVersions.Count, () =>
        {
            var table = new Table().AddColumns("Stage", "Version", "Status", "Run ID", "Created");
            foreach (var version in model.LatestVersions.OrderBy(v => StageOrder(v.CurrentStage)))
            {
                table.AddRow(
                    Markup.Escape(version.CurrentStage ?? ""),
                    Markup.Escape(version.Version),
                    Markup.Escape(version.Status ?? ""),
                    Markup.Escape(version.RunId ?? ""),
                    Format.Timestamp(version.CreationTimestamp, output.Time));
            }

            return table;
        });
        output.Section("Tags", model.Tags.Count, () =>
        {
            var table = new Table().AddColumns("Key", "Value");
            foreach (var tag in model.Tags.OrderBy(t => t.Key, StringComparer.Ordinal))
            {
                table.AddRow(Markup.Escape(tag.Key), Markup.Escape(tag.Value));
            }

            return table;
        });
    }

    public static void WriteVersions(CliOutput output, RegisteredModelDto model, IReadOnlyList<ModelVersionDto> versions)
    {
        if (versions.Count == 0)
        {
            output.Line($"Model '{model.Name}' has no versions.");
            return;
        }

        var table = new Table()
            .AddColumn(new TableColumn("Version").RightAligned())
            .AddColumn(new TableColumn("Stage").NoWrap())
            .AddColumn(new TableColumn("Status").NoWrap())
            .AddColumn("Aliases")
            .AddColumn(new TableColumn("Run ID").NoWrap())
            .AddColumn("Source")
            .AddColumn(new TableColumn("Created").NoWrap());
        foreach (var version in versions.OrderByDescending(v => Number(v.Version)))
        {
            table.AddRow(
                Markup.Escape(version.Version),
                Markup.Escape(version.CurrentStage ?? ""),
                Markup.Escape(version.Status ?? ""),
                Markup.Escape(string.Join(", ", version.Aliases.Order(StringComparer.Ordinal))),
                Markup.Escape(version.RunId ?? ""),
                Markup.Escape(version.Source ?? ""),
                Format.Timestamp(version.CreationTimestamp, output.Time));
        }

        output.Write(table);
        output.Line($"{versions.Count} version(s).");
    }

    /// <summary>"champion → 3, challenger → 4", in alias order.</summary>
    private static string Aliases(IEnumerable<RegisteredModelAliasDto> aliases) =>
        string.Join(", ", aliases.OrderBy(a => a.Alias, StringComparer.Ordinal).Select(a => $"{a.Alias} → {a.Version}"));

    private static long Number(string version) =>
        long.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : 0;

    private static int StageOrder(string? stage) => stage switch
    {
        "Production" => 0,
        "Staging" => 1,
        "None" => 2,
        _ => 3,
    };
}
