namespace Keel.Models.Packages;

/// <summary>Where a package being written will live and who made it; written into its <c>MLmodel</c>.</summary>
/// <param name="ArtifactPath">The package's path inside its run's artifacts (<c>artifact_path</c>).</param>
/// <param name="RunId">The run that logs it, when there is one.</param>
/// <param name="Time">The clock for <c>utc_time_created</c>; the system clock when null.</param>
public sealed record ModelPackageInfo(string ArtifactPath = "model", string? RunId = null, TimeProvider? Time = null);
