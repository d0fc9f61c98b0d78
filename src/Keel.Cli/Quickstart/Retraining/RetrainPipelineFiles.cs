using System.Globalization;

namespace Keel.Cli.Quickstart.Retraining;

/// <summary>
/// Writes the quickstart's retraining pipeline: <c>keel.yaml</c> (prepare → train → evaluate and validate → promote,
/// triggered by the drift monitor's alerts), <c>params.yaml</c> (the champion's hyper-parameters) and the gate rules.
/// Every stage calls this <c>keel</c>, so the loop needs nothing else installed.
/// </summary>
internal static class RetrainPipelineFiles
{
    public const string RetrainSuffix = "-retrain";

    public static string PipelineName(string modelName) => modelName + RetrainSuffix;

    public static string Write(string directory, string modelName, string monitorName, SweepSetting setting, long championVersion)
    {
        Directory.CreateDirectory(directory);
        // Folded block scalars (cmd: >-) keep the quoting of the executable away from YAML.
        var keel = KeelExecutable.ShellCommand();
        var model = modelName;
        File.WriteAllText(Path.Combine(directory, "keel.yaml"), $$"""
            # Written by `keel quickstart`: retrains the champion when its drift monitor alerts.
            name: {{PipelineName(model)}}
            triggers:
              - monitor: {{monitorName}}
            stages:
              prepare:
                cmd: >-
                  {{keel}} quickstart-stage prepare --input raw/{{BreastCancerDataset.FileName}} --train data/train.csv --holdout data/holdout.csv
                deps: [{dataset: {{BreastCancerDataset.Name}}, path: raw/{{BreastCancerDataset.FileName}}}]
                outs: [data/train.csv, data/holdout.csv]
              train:
                cmd: >-
                  {{keel}} quickstart-stage train --data data/train.csv --dataset {{BreastCancerDataset.Name}} --model-name {{model}} --trees ${train.trees} --learning-rate ${train.learning_rate} --leaves ${train.leaves} --replaces ${champion.version} --version-file candidate/version --metrics metrics/train.json
                deps: [data/train.csv]
                outs: [candidate/version]
                metrics: [metrics/train.json]
              evaluate:
                cmd: >-
                  {{keel}} quickstart-stage evaluate --data data/holdout.csv --model-name {{model}} --version-file candidate/version --metrics metrics/holdout.json
                deps: [data/holdout.csv, candidate/version]
                metrics: [metrics/holdout.json]
              validate:
                cmd: >-
                  mkdir -p validation && {{keel}} models validate models:/{{model}}/$(cat candidate/version) --against models:/{{model}}/${champion.version} --data data/holdout.csv --rules gates.yaml > validation/report.txt
                deps: [gates.yaml, data/holdout.csv, candidate/version]
                outs: [validation/report.txt]
              promote:
                cmd: >-
                  {{keel}} models promote models:/{{model}}/$(cat candidate/version) --alias {{ChampionModel.Alias}} --reason "retrained by pipeline run $KEEL_PIPELINE_RUN_ID after a drift alert"
                deps: [validation/report.txt, candidate/version]
            """);
        File.WriteAllText(Path.Combine(directory, "params.yaml"), string.Create(CultureInfo.InvariantCulture, $"""
            # The champion being challenged: a new champion means a new retraining, never a cached one.
            champion:
              version: {championVersion}
            train:
              trees: {setting.NumberOfTrees}
              learning_rate: {setting.LearningRate}
              leaves: {setting.NumberOfLeaves}
            """));
        File.WriteAllText(Path.Combine(directory, "gates.yaml"), """
            # The candidate must be good on its own and no worse than the champion on the same hold-out rows.
            label: label
            metrics:
              min: {accuracy: 0.9, roc_auc: 0.95}
            regression:
              accuracy: 0.02
            latency:
              max_ms_per_row: 5
            importance:
              repeats: 3
              metric: accuracy
              seed: 42
            """);
        return directory;
    }
}
