namespace Keel.Core.Registry;

/// <summary>MLflow's registry limits (column sizes of its SQL store, defaults of its handlers).</summary>
public static class RegistryLimits
{
    public const int MaxModelNameLength = 256;
    public const int MaxSourceLength = 500;
    public const int MaxAliasLength = 255;
    public const int MaxDescriptionLength = 5000;
    public const int MaxTagValueLength = 5000;
    public const int DefaultRegisteredModelSearchResults = 100;
    public const int MaxRegisteredModelSearchResults = 1000;
    public const int DefaultModelVersionSearchResults = 10000;
    public const int MaxModelVersionSearchResults = 200_000;
}
