namespace Wharf.Client.Models;

/// <summary>The body of <c>POST /api/v1/projects/{project}/models</c>.</summary>
/// <param name="Name">The model's name: lowercase letters and digits joined by single <c>.</c>, <c>_</c> or <c>-</c>.</param>
/// <param name="Description">A description; none when null.</param>
public sealed record CreateModelRequest(string Name, string? Description = null);
