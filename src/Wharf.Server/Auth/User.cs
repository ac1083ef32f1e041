namespace Wharf.Server.Auth;

/// <summary>A row of <c>users</c>: a person who signs in with a password (hashed by <c>PasswordHasher</c>) or a token.</summary>
internal sealed class User
{
    public const int MaxUsernameLength = 64;

    public long Id { get; set; }

    public required string Username { get; init; }

    /// <summary>The <c>PasswordHasher</c> hash; null when the user can only use tokens.</summary>
    public string? PasswordHash { get; set; }

    /// <summary>An administrator acts as owner of every project.</summary>
    public bool IsAdmin { get; set; }

    /// <summary>A disabled user cannot sign in and all of their tokens stop working.</summary>
    public bool Disabled { get; set; }

    public DateTimeOffset CreatedAt { get; init; }
}
