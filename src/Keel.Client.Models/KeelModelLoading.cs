using Keel.Models.Packages;
using Keel.Models.Typed;

namespace Keel.Client.Models;

/// <summary>Loads a model named by URI (<c>models:/churn@champion</c>, <c>runs:/…/model</c>) as a ready predictor.</summary>
public static class KeelModelLoading
{
    /// <summary>
    /// Resolves <paramref name="modelUri"/> on the server, downloads the package into a temporary directory
    /// (deleted when the model is disposed) and loads its runnable flavor.
    /// </summary>
    /// <exception cref="KeelApiException">The URI names no model, version, alias or run.</exception>
    /// <exception cref="Core.Common.KeelException">INVALID_STATE when the package's only flavors are code (pickle, python_function).</exception>
    public static async Task<LoadedModel> LoadModelAsync(this KeelClient client, string modelUri, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var directory = Directory.CreateTempSubdirectory("keel-load-");
        try
        {
            await client.DownloadModelAsync(modelUri, directory.FullName, ct: ct).ConfigureAwait(false);
            return ModelPackage.Load(directory.FullName, deleteOnDispose: true);
        }
        catch
        {
            directory.Delete(recursive: true);
            throw;
        }
    }

    /// <summary>
    /// Loads a model as a typed predictor: <typeparamref name="TIn"/>'s public members become input columns and
    /// output columns fill <typeparamref name="TOut"/>'s by name (ML.NET's <c>[ColumnName]</c> and
    /// <c>[VectorType]</c> attributes are honoured).
    /// </summary>
    public static async Task<TypedModel<TIn, TOut>> LoadModelAsync<TIn, TOut>(this KeelClient client, string modelUri, CancellationToken ct = default)
        where TOut : class, new()
    {
        var model = await client.LoadModelAsync(modelUri, ct).ConfigureAwait(false);
        try
        {
            return new TypedModel<TIn, TOut>(model);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}
