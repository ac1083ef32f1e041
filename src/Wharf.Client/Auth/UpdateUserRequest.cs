namespace Wharf.Client.Auth;

/// <summary>The body of <c>PATCH /api/v1/users/{username}</c>; fields left null are not changed.</summary>
/// <param name="Disabled">Disable (refuse sign-in and every token) or enable the user.</param>
/// <param name="Password">A new password (8 to 1024 characters).</param>
public sealed record UpdateUserRequest(bool? Disabled, string? Password);
