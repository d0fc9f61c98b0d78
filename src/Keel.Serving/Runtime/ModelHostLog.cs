using Microsoft.Extensions.Logging;

namespace Keel.Serving.Runtime;

internal static partial class ModelHostLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Serving {ModelName} version {Version} ({Flavor}) from {ArtifactUri}")]
    public static partial void Serving(ILogger logger, string modelName, string version, string flavor, string artifactUri);

    [LoggerMessage(Level = LogLevel.Information, Message = "{ModelUri} now resolves to {ModelName} version {Version}; loading it while version {OldVersion} serves")]
    public static partial void Moved(ILogger logger, string modelUri, string modelName, string version, string oldVersion);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reloading {ModelUri} failed; version {Version} keeps serving and the next poll retries")]
    public static partial void ReloadFailed(ILogger logger, Exception exception, string modelUri, string version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{ModelName} version {Version}: the input example cannot be read, so the version is not warmed up")]
    public static partial void NoWarmUp(ILogger logger, Exception exception, string modelName, string version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The batch observer failed")]
    public static partial void ObserverFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{ModelName} version {Version}: deleting its downloaded files failed")]
    public static partial void CleanupFailed(ILogger logger, Exception exception, string modelName, string version);
}
