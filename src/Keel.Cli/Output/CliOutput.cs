using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Keel.Contracts.Mlflow;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Keel.Cli.Output;

internal enum OutputFormat
{
    Table,
    Json,
}

/// <summary>
/// Where a command writes its result: Spectre tables and markup for people, or JSON for scripts.
/// Colours, live progress and terminal width are used only when stdout is a terminal.
/// </summary>
internal sealed class CliOutput
{
    // Wide enough that piped tables are not wrapped at 80 columns; Spectre does not pad narrower tables.
    private const int PipedWidth = 240;

    private static readonly JsonSerializerOptions IndentedWire = new(MlflowJson.Options) { WriteIndented = true };
    private static readonly JsonSerializerOptions IndentedNodes = new() { WriteIndented = true };

    private readonly CliHost _host;

    public CliOutput(CliHost host, OutputFormat format)
    {
        _host = host;
        Format = format;
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(host.Out),
            Ansi = host.IsTerminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = host.IsTerminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = host.IsTerminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!host.IsTerminal)
        {
            Console.Profile.Width = PipedWidth;
        }
    }

    public OutputFormat Format { get; }

    public bool IsJson => Format == OutputFormat.Json;

    /// <summary>Live progress bars redraw in place, which only makes sense on a terminal and never in JSON mode.</summary>
    public bool ShowsLiveProgress => _host.IsTerminal && !IsJson;

    public IAnsiConsole Console { get; }

    public TimeProvider Time => _host.Time;

    public void Line(string text = "") => Console.WriteLine(text);

    public void MarkupLine(string markup) => Console.MarkupLine(markup);

    public void Write(IRenderable renderable) => Console.Write(renderable);

    /// <summary>A titled table after a blank line, or "<paramref name="title"/>: none" when there is nothing to list.</summary>
    public void Section(string title, int count, Func<Table> build)
    {
        Line();
        if (count == 0)
        {
            MarkupLine($"[bold]{title}[/]: none");
            return;
        }

        MarkupLine($"[bold]{title}[/]");
        Write(build());
    }

    /// <summary>Writes a wire record exactly as the tracking server would (MLflow's snake_case JSON).</summary>
    public void WriteWire<T>(T value)
    {
        var typeInfo = (JsonTypeInfo<T>)IndentedWire.GetTypeInfo(typeof(T));
        _host.Out.WriteLine(JsonSerializer.Serialize(value, typeInfo));
    }

    /// <summary>Writes a CLI-specific result (a comparison, a transfer summary) as JSON.</summary>
    public void WriteJson(JsonNode node) => _host.Out.WriteLine(node.ToJsonString(IndentedNodes));
}
