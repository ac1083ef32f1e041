namespace Wharf.Client.Auth;

/// <summary>The body of <c>POST /api/v1/users</c>.</summary>
/// <param name="Username">Up to 64 characters of <c>[a-z0-9]</c> joined by <c>.</c>, <c>_</c> or <c>-</c>.</param>
/// <param name="Password">The password (8 to 1024 characters); null for a token-only account.</param>
/// <param name="Admin">Whether the user administers the server.</param>
public sealed record CreateUserRequest(string? Username, string? Password, bool? Admin);
