namespace Wharf.Oci.Registry;

/// <summary>Looks up the credentials for a registry host; asked once per host per client, when the registry first needs them.</summary>
public interface IRegistryCredentialProvider
{
    /// <summary>The credentials for <paramref name="registry"/>, or null to stay anonymous.</summary>
    /// <param name="registry">The registry host as it appears in references (<c>host[:port]</c>).</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The credentials, or null.</returns>
    ValueTask<RegistryCredentials?> GetCredentialsAsync(string registry, CancellationToken cancellationToken = default);
}
