namespace Wharf.Client.Registry;

/// <summary>One page of repositories.</summary>
/// <param name="Items">The repositories, in name order.</param>
/// <param name="Next">The name to pass as <c>last</c> for the next page, or null on the last page.</param>
public sealed record RepositoryPage(IReadOnlyList<RepositorySummary> Items, string? Next);
