namespace Wharf.Client.Auth;

/// <summary>A service account of a project.</summary>
/// <param name="Project">The project it belongs to (and acts in, only).</param>
/// <param name="Name">Its name within the project.</param>
/// <param name="Role">Its role in the project.</param>
/// <param name="Disabled">Whether its tokens are refused.</param>
/// <param name="CreatedAt">When it was created.</param>
public sealed record ServiceAccountInfo(string Project, string Name, string Role, bool Disabled, DateTimeOffset CreatedAt);
