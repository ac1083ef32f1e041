namespace Wharf.Server.Ui.Registry;

/// <summary>The registry address people type into podman: the host (and port) the browser reached this page at.</summary>
internal static class RegistryHost
{
    public static string Of(HttpContext? context) => context?.Request.Host.Value is { Length: > 0 } host ? host : "localhost:8080";

    /// <summary>
    /// Podman insists on TLS unless told otherwise (it does not exempt loopback as docker does), and Wharf serves
    /// plain HTTP by default; a copied command must work, so it carries the flag whenever this page came over HTTP.
    /// </summary>
    public static string TlsFlag(HttpContext? context) => context is { Request.IsHttps: false } ? "--tls-verify=false " : "";
}
