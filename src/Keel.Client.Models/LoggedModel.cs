using Keel.Contracts.Mlflow;
using Keel.Core.Models.Packages;

namespace Keel.Client.Models;

/// <summary>A model package logged to a run.</summary>
/// <param name="ModelUri">The package as <c>runs:/&lt;run_id&gt;/&lt;artifact_path&gt;</c>.</param>
/// <param name="MlModel">The package's MLmodel as written.</param>
/// <param name="RegisteredVersion">The model version it was registered as, when a name was given.</param>
public sealed record LoggedModel(string ModelUri, MlModel MlModel, ModelVersionDto? RegisteredVersion);
