namespace Wharf.Client.Auth;

/// <summary>A user account as administrators see it.</summary>
/// <param name="Username">The username.</param>
/// <param name="IsAdmin">Whether the user administers the server (owner of every project).</param>
/// <param name="Disabled">Whether sign-in and all of the user's tokens are refused.</param>
/// <param name="HasPassword">Whether the user can sign in with a password (otherwise tokens only).</param>
/// <param name="CreatedAt">When the account was created.</param>
public sealed record UserInfo(string Username, bool IsAdmin, bool Disabled, bool HasPassword, DateTimeOffset CreatedAt);
