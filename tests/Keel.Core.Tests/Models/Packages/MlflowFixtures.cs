namespace Keel.Core.Tests.Models.Packages;

/// <summary>MLmodel files laid out exactly as the MLflow 2.x Python client writes them (PyYAML, sorted keys, 80 columns).</summary>
internal static class MlflowFixtures
{
    public const string Sklearn = """
        artifact_path: model
        flavors:
          python_function:
            env:
              conda: conda.yaml
              virtualenv: python_env.yaml
            loader_module: mlflow.sklearn
            model_path: model.pkl
            predict_fn: predict
            python_version: 3.11.7
          sklearn:
            code: null
            pickled_model: model.pkl
            serialization_format: cloudpickle
            sklearn_version: 1.4.2
        mlflow_version: 2.12.1
        model_size_bytes: 1071
        model_uuid: 6f1a4f3c2b7e4d0f9a8b5c6d7e8f9a0b
        run_id: 3b5c9f2e8d1a4c7b9e6f0a2d4c8b1e3f
        saved_input_example_info:
          artifact_path: input_example.json
          pandas_orient: split
          serving_input_path: serving_input_example.json
          type: dataframe
        signature:
          inputs: '[{"type": "double", "name": "sepal length (cm)", "required": true}, {"type":
            "double", "name": "sepal width (cm)", "required": true}, {"type": "double", "name":
            "petal length (cm)", "required": true}, {"type": "double", "name": "petal width
            (cm)", "required": false}]'
          outputs: '[{"type": "long", "required": true}]'
          params: null
        utc_time_created: '2024-05-14 09:31:07.482913'

        """;

    public const string Onnx = """
        artifact_path: onnx_model
        flavors:
          onnx:
            code: null
            data: model.onnx
            onnx_version: 1.16.0
            providers:
            - CUDAExecutionProvider
            - CPUExecutionProvider
          python_function:
            data: model.onnx
            env:
              conda: conda.yaml
              virtualenv: python_env.yaml
            loader_module: mlflow.onnx
            python_version: 3.11.7
        mlflow_version: 2.12.1
        model_size_bytes: 2391
        model_uuid: 0d4e8a2b6c1f4e3a9b7d5c2e1f0a8b6d
        run_id: 9e2f4c6a8b0d4e1f3a5c7e9b1d3f5a7c
        signature:
          inputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 4]},
            "name": "input"}]'
          outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "int64", "shape": [-1]},
            "name": "label"}, {"type": "tensor", "tensor-spec": {"dtype": "float32", "shape":
            [-1, 3]}, "name": "probabilities"}]'
          params: null
        utc_time_created: '2024-05-14 09:40:12.004518'

        """;

    public const string PyTorch = """
        artifact_path: model
        flavors:
          python_function:
            data: data
            env:
              conda: conda.yaml
              virtualenv: python_env.yaml
            loader_module: mlflow.pytorch
            pickle_module_name: mlflow.pytorch.pickle_module
            python_version: '3.10'
          pytorch:
            code: null
            model_data: data
            pytorch_version: 2.3.0
        mlflow_version: 2.12.1
        model_size_bytes: 45210
        model_uuid: 52c7e1a9d3b54f6e8a0c2e4b6d8f0a1c
        run_id: 7d1b3f5a9c2e4a6b8d0f1e3c5a7b9d2f
        utc_time_created: '2024-05-14 10:02:55.731004'

        """;
}
