namespace Wharf.Serving.Hosting;

/// <summary>
/// How wharf-serve authenticates to registries it pulls models from, section <c>Serving:Registry</c>. Without a
/// username and password, the token in <c>$WHARF_TOKEN</c> (if any) is presented as Wharf's registry accepts it.
/// </summary>
internal sealed class ServingRegistryOptions
{
    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>Plain HTTP to registries that are not on a loopback address (loopback always uses HTTP).</summary>
    public bool PlainHttp { get; set; }
}
