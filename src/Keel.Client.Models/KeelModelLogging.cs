using Keel.Contracts.Mlflow;
using Keel.Core.Models.Packages;
using Keel.Models.Packages;
using Microsoft.ML;

namespace Keel.Client.Models;

/// <summary>Logs models to a run as MLflow-layout packages, optionally registering them.</summary>
public static class KeelModelLogging
{
    /// <summary>
    /// Logs an ML.NET model with the schema it reads as an <c>mlnet</c> package (and, with
    /// <see cref="LogModelOptions.ExportOnnx"/>, an <c>onnx</c> flavor) under the run's artifacts.
    /// </summary>
    public static Task<LoggedModel> LogModelAsync(
        this KeelRun run, ITransformer model, DataViewSchema inputSchema, LogModelOptions? options = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        options ??= new LogModelOptions();
        return LogPackageAsync(run, options, directory =>
        {
            var mlModel = ModelPackageWriter.WriteMlNet(directory, model, inputSchema, options.InputExample, Info(run, options));
            if (options.ExportOnnx)
            {
                ModelPackageWriter.AddOnnxFlavor(directory);
                mlModel = ModelPackage.ReadMlModel(directory);
            }

            return mlModel;
        }, ct);
    }

    /// <summary>
    /// Logs an ONNX file as an <c>onnx</c> package in MLflow's layout. Without <paramref name="signature"/> the
    /// signature is what ONNX Runtime reports for the graph.
    /// </summary>
    public static Task<LoggedModel> LogOnnxModelAsync(
        this KeelRun run, string onnxFile, ModelSignature? signature = null, LogModelOptions? options = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentException.ThrowIfNullOrEmpty(onnxFile);
        options ??= new LogModelOptions();
        return LogPackageAsync(run, options, directory =>
            ModelPackageWriter.WriteOnnx(directory, onnxFile, signature, options.InputExample, Info(run, options)), ct);
    }

    private static async Task<LoggedModel> LogPackageAsync(KeelRun run, LogModelOptions options, Func<string, MlModel> write, CancellationToken ct)
    {
        var directory = Directory.CreateTempSubdirectory("keel-model-");
        try
        {
            var mlModel = write(directory.FullName);
            await run.LogArtifactsAsync(directory.FullName, options.ArtifactPath, ct).ConfigureAwait(false);
            var uri = $"runs:/{run.RunId}/{options.ArtifactPath}";
            var version = options.RegisteredModelName is { } name ? await RegisterAsync(run.Client, name, uri, run.RunId, ct).ConfigureAwait(false) : null;
            return new LoggedModel(uri, mlModel, version);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static async Task<ModelVersionDto> RegisterAsync(KeelClient client, string name, string source, string runId, CancellationToken ct)
    {
        try
        {
            await client.CreateRegisteredModelAsync(name, ct: ct).ConfigureAwait(false);
        }
        catch (KeelApiException e) when (e.ErrorCode == ErrorCodes.ResourceAlreadyExists)
        {
            // Registering another version of an existing model.
        }

        return await client.CreateModelVersionAsync(name, source, runId, ct: ct).ConfigureAwait(false);
    }

    private static ModelPackageInfo Info(KeelRun run, LogModelOptions options) =>
        new(options.ArtifactPath, run.RunId);
}
