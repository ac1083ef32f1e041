using Prometheus;

namespace Wharf.Server.Registry;

/// <summary>Registry metrics, <c>wharf_registry_*</c>.</summary>
internal static class RegistryMetrics
{
    private static readonly Counter Bytes = Metrics.CreateCounter(
        "wharf_registry_bytes_total", "Blob bytes moved by the registry.", "direction");

    private static readonly Counter Uploads = Metrics.CreateCounter(
        "wharf_registry_uploads_total", "Upload sessions opened.");

    private static readonly Counter Mounts = Metrics.CreateCounter(
        "wharf_registry_blob_mounts_total", "Blobs mounted from another repository instead of uploaded.");

    private static readonly Counter Manifests = Metrics.CreateCounter(
        "wharf_registry_manifests_pushed_total", "Manifests pushed.");

    private static readonly Counter Requests = Metrics.CreateCounter(
        "wharf_registry_requests_total", "Registry API requests by method and status.", "method", "status");

    public static void BlobBytesServed(HttpContext context, long length)
    {
        // HEAD moves no bytes; a range request moves fewer, but counting the blob keeps this cheap and close enough.
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            Bytes.WithLabels("out").Inc(length);
        }
    }

    public static void BlobBytesReceived(long length) => Bytes.WithLabels("in_committed").Inc(length);

    public static void UploadBytes(long length) => Bytes.WithLabels("in").Inc(length);

    public static void UploadStarted() => Uploads.Inc();

    public static void BlobMounted() => Mounts.Inc();

    public static void ManifestPushed() => Manifests.Inc();

    public static void Request(string method, int status) => Requests.WithLabels(method, StatusClass(status)).Inc();

    private static string StatusClass(int status) => status switch
    {
        < 300 => "2xx",
        < 400 => "3xx",
        < 500 => "4xx",
        _ => "5xx",
    };
}
