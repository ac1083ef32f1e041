namespace Wharf.Client.Models;

/// <summary>A page of a project's models in name order.</summary>
/// <param name="Models">The models.</param>
/// <param name="Next">The name to pass as <c>last</c> for the next page; null on the last page.</param>
public sealed record ModelPage(IReadOnlyList<ModelSummary> Models, string? Next);
