using Keel.Cli.Output;
using Spectre.Console;

namespace Keel.Cli.Quickstart.Retraining;

/// <summary>Prints the continuous-training loop: what moved the champion (or why it stayed), as a timeline from the alert.</summary>
internal static class QuickstartRetrainingReport
{
    public static void Write(CliOutput output, RetrainingOutcome outcome)
    {
        output.Line();
        var summary = outcome switch
        {
            { Run: null } => "[yellow]no retraining ran[/]",
            { ChampionAfter: var after, ChampionBefore: var before } when after != before =>
                $"[green]version {after} replaced version {before}[/] as champion (validation {Markup.Escape(outcome.ValidationStatus)})"
                + (outcome.ServedAfter is { } served ? $"; serving now answers from version {Markup.Escape(served.AnsweredVersion)}" : ""),
            _ => $"[yellow]the champion stays version {outcome.ChampionAfter}[/] (pipeline run {Markup.Escape(outcome.Run.Status ?? "?")}"
                + (outcome.ValidationStatus.Length > 0 ? $", validation {Markup.Escape(outcome.ValidationStatus)}" : "") + ")",
        };
        output.MarkupLine($"[bold]Continuous training[/] (pipeline '{Markup.Escape(outcome.Setup.Pipeline)}'): {summary}");
        if (outcome.Timeline.Count == 0)
        {
            return;
        }

        var start = outcome.Timeline.Min(s => s.At);
        foreach (var step in outcome.Timeline.OrderBy(s => s.At))
        {
            output.Line($"  +{(step.At - start).TotalSeconds,6:0.0} s  {step.What}");
        }
    }
}
