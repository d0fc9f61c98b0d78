namespace Keel.Core.Deployments;

/// <summary>
/// A deployment's traffic rules: which model versions answer requests and in what share, and which receive a copy
/// of each request without affecting the answer. Kept by the tracking server with its history (so a rollback
/// returns to the previous spec) and read by <c>keel serve</c>, from the server or from a YAML file.
/// </summary>
/// <param name="Name">The deployment's name (the same rules as a registered model's name).</param>
/// <param name="Routes">The routes that answer; their weights are shares of the traffic (they need not sum to 100).</param>
/// <param name="Shadows">Routes that receive a copy of every request; their answers are recorded, never returned.</param>
/// <param name="StickyHeader">
/// When set, a request carrying this header is routed by a hash of its value, so the same key always reaches the
/// same route while the weights stay unchanged; requests without it are routed at random.
/// </param>
public sealed record DeploymentSpec(string Name, IReadOnlyList<TrafficRoute> Routes, IReadOnlyList<ShadowRoute> Shadows, string? StickyHeader = null);

/// <summary>One answering route: a name (e.g. <c>champion</c>), the model it serves and its weight.</summary>
/// <param name="Name">The route's name, reported in the <c>X-Keel-Route</c> header.</param>
/// <param name="ModelUri">What it serves, e.g. <c>models:/churn@champion</c> (followed when the alias moves).</param>
/// <param name="Weight">Its share of the traffic, a non-negative number.</param>
public sealed record TrafficRoute(string Name, string ModelUri, double Weight);

/// <summary>A shadow route: it scores a copy of each request; its answer is compared with the one returned.</summary>
public sealed record ShadowRoute(string Name, string ModelUri);
