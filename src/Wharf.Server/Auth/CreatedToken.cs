namespace Wharf.Server.Auth;

/// <summary>A new token; <see cref="Secret"/> exists only here and is shown to its owner once.</summary>
internal sealed record CreatedToken(long Id, string Secret, DateTimeOffset ExpiresAt);
