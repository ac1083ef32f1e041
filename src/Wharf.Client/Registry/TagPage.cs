namespace Wharf.Client.Registry;

/// <summary>One page of a repository's tags.</summary>
/// <param name="Repository">The repository.</param>
/// <param name="Items">The tags, in lexical order.</param>
/// <param name="Next">The tag to pass as <c>last</c> for the next page, or null on the last page.</param>
public sealed record TagPage(string Repository, IReadOnlyList<TagSummary> Items, string? Next);
