namespace Keel.Core.Tracking;

/// <summary>Readable default run names in MLflow's style ("bold-heron-42").</summary>
internal static class RunNameGenerator
{
    private static readonly string[] Adjectives =
    [
        "able", "bold", "brave", "bright", "calm", "clever", "crisp", "eager", "fair", "fancy",
        "gentle", "glad", "grand", "honest", "keen", "kind", "lively", "lucky", "merry", "nimble",
        "polite", "proud", "quick", "quiet", "rare", "sharp", "shy", "silent", "smart", "steady",
        "sunny", "swift", "tidy", "vast", "warm", "wise", "witty", "young", "zesty", "amber",
    ];

    private static readonly string[] Nouns =
    [
        "ant", "bass", "bear", "bee", "bird", "carp", "cat", "crane", "crow", "deer",
        "doe", "dove", "duck", "eel", "elk", "fawn", "finch", "fox", "frog", "goat",
        "gull", "hare", "hawk", "heron", "horse", "jay", "koi", "lamb", "lark", "lynx",
        "mole", "moth", "newt", "owl", "panda", "robin", "seal", "shark", "snail", "wolf",
    ];

    public static string Next() =>
        $"{Adjectives[Random.Shared.Next(Adjectives.Length)]}-{Nouns[Random.Shared.Next(Nouns.Length)]}-{Random.Shared.Next(1000)}";
}
