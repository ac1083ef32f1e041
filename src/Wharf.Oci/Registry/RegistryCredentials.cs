namespace Wharf.Oci.Registry;

/// <summary>
/// What the client presents to a registry: a username and password (or token as password) for Basic and for the
/// Bearer token flow's token endpoint, or a registry token sent as is.
/// </summary>
public sealed record RegistryCredentials
{
    private RegistryCredentials(string? username, string? password, string? registryToken)
    {
        Username = username;
        Password = password;
        RegistryToken = registryToken;
    }

    /// <summary>The username for Basic authentication, or null.</summary>
    public string? Username { get; }

    /// <summary>The password (or access token) for Basic authentication, or null.</summary>
    public string? Password { get; }

    /// <summary>A bearer token sent to the registry as is, without the token flow, or null.</summary>
    public string? RegistryToken { get; }

    /// <summary>Username and password, used for Basic challenges and to fetch Bearer tokens from the token endpoint.</summary>
    /// <param name="username">The username.</param>
    /// <param name="password">The password, or an access token the registry accepts as one.</param>
    /// <returns>The credentials.</returns>
    public static RegistryCredentials Basic(string username, string password)
    {
        ArgumentException.ThrowIfNullOrEmpty(username);
        ArgumentNullException.ThrowIfNull(password);
        return new RegistryCredentials(username, password, null);
    }

    /// <summary>A registry bearer token the caller already holds; it is sent on every request to the registry host.</summary>
    /// <param name="token">The token.</param>
    /// <returns>The credentials.</returns>
    public static RegistryCredentials Token(string token)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        return new RegistryCredentials(null, null, token);
    }

    /// <summary>Never prints the secret.</summary>
    /// <returns>A description without the password or token.</returns>
    public override string ToString() => RegistryToken is not null ? "RegistryCredentials(token)" : $"RegistryCredentials({Username})";
}
