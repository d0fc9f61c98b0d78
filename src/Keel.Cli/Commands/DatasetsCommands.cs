using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Keel.Cli.Output;
using Keel.Contracts.KeelApi;
using Spectre.Console;

namespace Keel.Cli.Commands;

/// <summary>
/// <c>keel datasets list|show|versions|tag</c>: the dataset registry, whose versions <c>keel data push</c> records for
/// pointer files naming a dataset.
/// </summary>
internal static class DatasetsCommands
{
    public static Command Create(CliHost host)
    {
        var options = new ClientOptions();
        var group = options.AddTo(new Command("datasets", "List and inspect registered datasets and their versions; tag them"));
        group.Subcommands.Add(List(options, host));
        group.Subcommands.Add(Show(options, host));
        group.Subcommands.Add(Versions(options, host));
        group.Subcommands.Add(Tag(options, host));
        return group;
    }

    private static Command List(ClientOptions options, CliHost host)
    {
        var prefix = new Option<string?>("--prefix") { Description = "Only datasets whose name starts with this" };
        var max = MaxResults("Datasets to list, 1 to 1000");
        var command = new Command("list", "List datasets by name with their latest version") { prefix, max };
        options.SetAction(command, host, async (call, ct) =>
        {
            var page = await call.Client.SearchDatasetsAsync(call.Parse.GetValue(prefix), call.Parse.GetValue(max), ct: ct);
            if (call.Output.IsJson)
            {
                WriteJson(call.Output, page, KeelJsonContext.Default.ListDatasetsResponse);
                return;
            }
            if (page.Datasets.Count == 0)
            {
                call.Output.Line("No datasets.");
                return;
            }
            var table = new Table().AddColumn("Name").AddColumn(new TableColumn("Latest").RightAligned()).AddColumn("Updated").AddColumn("Description");
            foreach (var dataset in page.Datasets)
            {
                table.AddRow(Markup.Escape(dataset.Name), dataset.LatestVersion is { } v ? Format.Integer(v) : "-",
                    Format.Timestamp(dataset.LastUpdatedTimestamp, call.Output.Time), Markup.Escape(dataset.Description ?? ""));
            }
            call.Output.Write(table);
            if (page.NextPageToken is not null)
            {
                call.Output.Line("More datasets exist; raise --max-results or narrow with --prefix.");
            }
        });
        return command;
    }

    private static Command Show(ClientOptions options, CliHost host)
    {
        var name = new Argument<string>("name") { Description = "Dataset name, or <name>@<version> for one version with its schema" };
        var command = new Command("show", "Show a dataset (tags, latest version) or one version (manifest, size, schema, profile summary)") { name };
        options.SetAction(command, host, async (call, ct) =>
        {
            var (dataset, version) = ParseReference(call.Parse.GetRequiredValue(name));
            if (version is { } number)
            {
                var found = await call.Client.GetDatasetVersionAsync(dataset, number, ct);
                if (call.Output.IsJson)
                {
                    WriteJson(call.Output, found, KeelJsonContext.Default.DatasetVersionDto);
                    return;
                }
                WriteVersion(call.Output, found);
                return;
            }
            var info = await call.Client.GetDatasetAsync(dataset, ct);
            if (call.Output.IsJson)
            {
                WriteJson(call.Output, info, KeelJsonContext.Default.RegisteredDatasetDto);
                return;
            }
            var grid = new Grid().AddColumn().AddColumn();
            grid.AddRow("[bold]Dataset[/]", Markup.Escape(info.Name));
            grid.AddRow("Description", Markup.Escape(info.Description is { Length: > 0 } d ? d : "-"));
            grid.AddRow("Latest version", info.LatestVersion is { } latest ? Format.Integer(latest) : "none yet");
            grid.AddRow("Created", Format.Timestamp(info.CreationTimestamp, call.Output.Time));
            grid.AddRow("Updated", Format.Timestamp(info.LastUpdatedTimestamp, call.Output.Time));
            call.Output.Write(grid);
            WriteTags(call.Output, info.Tags);
        });
        return command;
    }

    private static Command Versions(ClientOptions options, CliHost host)
    {
        var name = new Argument<string>("name") { Description = "Dataset name" };
        var max = MaxResults("Versions to list, newest first, 1 to 1000");
        var command = new Command("versions", "List a dataset's versions, newest first") { name, max };
        options.SetAction(command, host, async (call, ct) =>
        {
            var page = await call.Client.ListDatasetVersionsAsync(call.Parse.GetRequiredValue(name), call.Parse.GetValue(max), ct: ct);
            if (call.Output.IsJson)
            {
                WriteJson(call.Output, page, KeelJsonContext.Default.ListDatasetVersionsResponse);
                return;
            }
            if (page.DatasetVersions.Count == 0)
            {
                call.Output.Line("No versions yet; 'keel data push' records one for a pointer file naming this dataset.");
                return;
            }
            var table = new Table().AddColumn(new TableColumn("Version").RightAligned()).AddColumn("Manifest").AddColumn(new TableColumn("Size").RightAligned())
                .AddColumn(new TableColumn("Files").RightAligned()).AddColumn(new TableColumn("Rows").RightAligned()).AddColumn("Run").AddColumn("Created");
            foreach (var v in page.DatasetVersions)
            {
                table.AddRow(Format.Integer(v.Version), v.ManifestHash[..12], Format.Bytes(v.Size), Format.Integer(v.FileCount),
                    v.RowCount is { } rows ? Format.Integer(rows) : "-", Markup.Escape(v.RunId ?? "-"), Format.Timestamp(v.CreationTimestamp, call.Output.Time));
            }
            call.Output.Write(table);
        });
        return command;
    }

    private static Command Tag(ClientOptions options, CliHost host)
    {
        var name = new Argument<string>("name") { Description = "<name> to tag the dataset, <name>@<version> to tag one version" };
        var pairs = new Argument<string[]>("tags") { Description = "key=value pairs (an empty value is allowed)", Arity = ArgumentArity.OneOrMore };
        var command = new Command("tag", "Set tags on a dataset or a dataset version") { name, pairs };
        options.SetAction(command, host, async (call, ct) =>
        {
            var (dataset, version) = ParseReference(call.Parse.GetRequiredValue(name));
            var tags = (call.Parse.GetValue(pairs) ?? []).Select(ParseTag).ToArray();
            foreach (var (key, value) in tags)
            {
                await (version is { } number
                    ? call.Client.SetDatasetVersionTagAsync(dataset, number, key, value, ct)
                    : call.Client.SetDatasetTagAsync(dataset, key, value, ct));
            }
            if (call.Output.IsJson)
            {
                WriteJson(call.Output, new DatasetEmptyResponse(), KeelJsonContext.Default.DatasetEmptyResponse);
                return;
            }
            var target = version is { } n ? $"dataset '{dataset}' version {Format.Integer(n)}" : $"dataset '{dataset}'";
            call.Output.Line($"Set {(tags.Length == 1 ? "1 tag" : $"{tags.Length} tags")} on {target}.");
        });
        return command;
    }

    private static void WriteVersion(CliOutput output, DatasetVersionDto version)
    {
        var grid = new Grid().AddColumn().AddColumn();
        grid.AddRow("[bold]Dataset[/]", $"{Markup.Escape(version.Name)} version {Format.Integer(version.Version)}");
        grid.AddRow("Manifest", version.ManifestHash);
        grid.AddRow("Kind", version.Kind);
        grid.AddRow("Size", $"{Format.Bytes(version.Size)} in {Format.Integer(version.FileCount)} file{(version.FileCount == 1 ? "" : "s")}");
        grid.AddRow("Rows", version.RowCount is { } rows ? Format.Integer(rows) : "-");
        grid.AddRow("Run", Markup.Escape(version.RunId ?? "-"));
        grid.AddRow("Source", Markup.Escape(version.Source ?? "-"));
        grid.AddRow("Description", Markup.Escape(version.Description is { Length: > 0 } d ? d : "-"));
        grid.AddRow("Created", Format.Timestamp(version.CreationTimestamp, output.Time));
        output.Write(grid);
        WriteTags(output, version.Tags);
        var schema = version.Schema ?? [];
        output.Section("Schema", schema.Count, () =>
        {
            var table = new Table().AddColumn("Column").AddColumn("Type");
            foreach (var column in schema)
            {
                table.AddRow(Markup.Escape(column.Name ?? ""), Markup.Escape(column.Type ?? ""));
            }
            return table;
        });
    }

    private static void WriteTags(CliOutput output, IReadOnlyList<Contracts.Mlflow.KeyValue> tags) =>
        output.Section("Tags", tags.Count, () =>
        {
            var table = new Table().AddColumn("Key").AddColumn("Value");
            foreach (var tag in tags)
            {
                table.AddRow(Markup.Escape(tag.Key), Markup.Escape(tag.Value));
            }
            return table;
        });

    private static Option<int?> MaxResults(string description)
    {
        var option = new Option<int?>("--max-results") { Description = description + " [default: 100]" };
        option.Validators.Add(result =>
        {
            if (result.Tokens is [{ Value: var text }] && int.TryParse(text, CultureInfo.InvariantCulture, out var max) && max is < 1 or > 1000)
            {
                result.AddError("--max-results must be 1 to 1000.");
            }
        });
        return option;
    }

    /// <summary><c>name</c> or <c>name@version</c>; the last '@' splits, so names may hold '@' when a version is given.</summary>
    internal static (string Name, long? Version) ParseReference(string text)
    {
        var at = text.LastIndexOf('@');
        if (at < 0)
        {
            return (text, null);
        }
        var version = text[(at + 1)..];
        return at > 0 && long.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0
            ? (text[..at], number)
            : throw new CliException($"invalid dataset reference '{text}': expected <name> or <name>@<version> with a positive version number", ExitCodes.Usage);
    }

    private static (string Key, string Value) ParseTag(string pair)
    {
        var equals = pair.IndexOf('=', StringComparison.Ordinal);
        return equals > 0
            ? (pair[..equals], pair[(equals + 1)..])
            : throw new CliException($"invalid tag '{pair}': expected key=value", ExitCodes.Usage);
    }

    private static void WriteJson<T>(CliOutput output, T value, JsonTypeInfo<T> typeInfo) =>
        output.WriteJson(JsonSerializer.SerializeToNode(value, typeInfo)!);
}
