namespace Wharf.Oci.Registry;

/// <summary>A fixed map from registry host to credentials.</summary>
public sealed class StaticCredentialProvider : IRegistryCredentialProvider
{
    private readonly Dictionary<string, RegistryCredentials> _credentials;

    /// <summary>Creates a provider answering from <paramref name="credentials"/> (keys are <c>host[:port]</c>, compared ignoring case).</summary>
    /// <param name="credentials">The credentials per registry host.</param>
    public StaticCredentialProvider(IEnumerable<KeyValuePair<string, RegistryCredentials>> credentials)
        => _credentials = new Dictionary<string, RegistryCredentials>(credentials, StringComparer.OrdinalIgnoreCase);

    /// <summary>Creates a provider with one registry's credentials.</summary>
    /// <param name="registry">The registry host (<c>host[:port]</c>).</param>
    /// <param name="credentials">Its credentials.</param>
    public StaticCredentialProvider(string registry, RegistryCredentials credentials)
        : this([new KeyValuePair<string, RegistryCredentials>(registry, credentials)])
    {
    }

    /// <inheritdoc />
    public ValueTask<RegistryCredentials?> GetCredentialsAsync(string registry, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(_credentials.GetValueOrDefault(registry));
}
