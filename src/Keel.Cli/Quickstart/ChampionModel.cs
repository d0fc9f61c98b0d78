using System.Globalization;
using Keel.Client;
using Keel.Client.Models;
using Keel.Contracts.Mlflow;

namespace Keel.Cli.Quickstart;

/// <summary>One held-out row as the registered champion scored it.</summary>
internal sealed record ScoredRow(int Row, bool Malignant, bool PredictedMalignant, float Probability);

/// <summary>The version the quickstart registered, and what it predicted once loaded back by its alias.</summary>
internal sealed record Champion(string ModelName, long Version, string ModelUri, string Flavor, IReadOnlyList<ScoredRow> Scored);

/// <summary>
/// Registers the best run's package as the next version of a named model, points the <c>champion</c> alias at it,
/// then loads it back through <c>models:/&lt;name&gt;@champion</c>, as any application would, and scores held-out rows.
/// </summary>
internal static class ChampionModel
{
    public const string DefaultModelName = "breast-cancer-classifier";
    public const string Alias = "champion";
    private const int ScoredRows = 6;

    public static async Task<Champion> RegisterAndScoreAsync(KeelClient client, string modelName, SweepResult best, BreastCancerTrainer trainer, CancellationToken ct)
    {
        try
        {
            await client.CreateRegisteredModelAsync(modelName, "FastTree classifiers of malignant breast tumours, trained by `keel quickstart`.", ct: ct);
        }
        catch (KeelApiException e) when (e.ErrorCode == ErrorCodes.ResourceAlreadyExists)
        {
            // A quickstart ran before: this one adds the next version.
        }

        var registered = await client.CreateModelVersionAsync(
            modelName, $"runs:/{best.RunId}/{QuickstartSweep.ModelArtifactDirectory}", best.RunId, $"Best of the sweep by test AUC: {best.Setting.RunName}.", ct: ct);
        var version = long.Parse(registered.Version, CultureInfo.InvariantCulture);
        await client.SetRegisteredModelAliasAsync(modelName, Alias, version, ct);

        var uri = $"models:/{modelName}@{Alias}";
        using var model = await client.LoadModelAsync(uri, ct);
        var (features, malignant) = trainer.TestExample(ScoredRows);
        var predictions = model.Predict(features);
        var labels = predictions["PredictedLabel"].As<bool>();
        var probabilities = predictions["Probability"].As<float>();
        var scored = malignant.Select((truth, i) => new ScoredRow(i + 1, truth, labels[i], probabilities[i])).ToList();
        return new Champion(modelName, version, uri, model.Flavor, scored);
    }
}
