namespace Keel.Models.Packages;

/// <summary>
/// The environment files MLflow's <c>python_function</c> flavor names, so a Python client can rebuild an
/// environment for an ONNX package Keel wrote. Keel itself never reads them.
/// </summary>
internal static class PythonEnvironment
{
    public const string CondaFile = "conda.yaml";
    public const string VirtualenvFile = "python_env.yaml";
    public const string RequirementsFile = "requirements.txt";

    private static readonly string[] Requirements = ["mlflow", "onnx", "onnxruntime"];

    public static void Write(string directory)
    {
        File.WriteAllText(Path.Combine(directory, RequirementsFile), string.Join('\n', Requirements) + "\n");
        File.WriteAllText(Path.Combine(directory, VirtualenvFile), $"""
            build_dependencies:
            - pip
            dependencies:
            - -r {RequirementsFile}

            """);
        File.WriteAllText(Path.Combine(directory, CondaFile), $"""
            channels:
            - conda-forge
            dependencies:
            - pip
            - pip:
              {string.Join("\n  ", Requirements.Select(r => "- " + r))}
            name: mlflow-env

            """);
    }
}
