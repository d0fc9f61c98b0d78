namespace Keel.Core.Models.Packages;

/// <summary>Flavor names as they appear in MLmodel files, and which of them Keel can load.</summary>
public static class ModelFlavors
{
    /// <summary>An ONNX graph; its file is the flavor's <c>data</c> entry.</summary>
    public const string Onnx = "onnx";

    /// <summary>Keel's ML.NET flavor; its zip is the flavor's <c>model_path</c> entry.</summary>
    public const string MlNet = "mlnet";

    /// <summary>MLflow's generic Python flavor; loading it imports and runs Python code.</summary>
    public const string PythonFunction = "python_function";

    public const string Sklearn = "sklearn";
    public const string PyTorch = "pytorch";
    public const string TensorFlow = "tensorflow";
    public const string Keras = "keras";
    public const string Xgboost = "xgboost";
    public const string LightGbm = "lightgbm";
    public const string CatBoost = "catboost";
    public const string Statsmodels = "statsmodels";
    public const string Spark = "spark";
    public const string H2o = "h2o";
    public const string Transformers = "transformers";
    public const string Prophet = "prophet";

    /// <summary>The flavors Keel loads, best first: ONNX, then ML.NET. Both are data, never code.</summary>
    public static IReadOnlyList<string> Runnable { get; } = [Onnx, MlNet];

    /// <summary>
    /// Known flavors whose loading runs Python code or unpickles objects (pickle, cloudpickle, custom pyfunc
    /// models), which can execute arbitrary code; Keel registers such packages but never loads them.
    /// </summary>
    public static IReadOnlySet<string> Code { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        PythonFunction, Sklearn, PyTorch, TensorFlow, Keras, Xgboost, LightGbm, CatBoost, Statsmodels, Spark, H2o,
        Transformers, Prophet,
    };
}
