namespace Keel.Core.Common;

/// <summary>One page of results and the token for the next one (null on the last page).</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextPageToken);
