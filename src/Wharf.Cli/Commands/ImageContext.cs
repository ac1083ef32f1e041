using Wharf.Oci.Registry;

namespace Wharf.Cli.Commands;

/// <summary>What an image verb runs with: the registry client, the Wharf server's registry host and the output format.</summary>
internal sealed record ImageContext(RegistryClient Client, string WharfRegistry, OutputFormat Format)
{
    public bool IsWharf(ImageReference reference) => string.Equals(reference.Registry, WharfRegistry, StringComparison.OrdinalIgnoreCase);
}
