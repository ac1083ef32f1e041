using Microsoft.Net.Http.Headers;
using Wharf.Oci;
using Wharf.Server.Storage;

namespace Wharf.Server.Registry;

/// <summary><c>GET|HEAD|DELETE /v2/&lt;name&gt;/blobs/&lt;digest&gt;</c>.</summary>
internal static class RegistryBlobEndpoints
{
    public static async Task<IResult> GetAsync(HttpContext context, RepositoryName name, string reference, CancellationToken cancellationToken)
    {
        if (!Digest.TryParse(reference, out var digest, out var digestError))
        {
            return RegistryResults.Error(RegistryErrorCode.DigestInvalid, digestError);
        }

        // One query answers the common case; only a miss asks which of repository or blob is unknown.
        var store = context.RequestServices.GetRequiredService<RegistryStore>();
        if (await store.FindReadableBlobSizeAsync(name.Value, digest.ToString(), cancellationToken) is null)
        {
            return await store.FindRepositoryAsync(name.Value, cancellationToken) is null
                ? RegistryResults.Error(RegistryErrorCode.NameUnknown, $"repository {name} is not known")
                : RegistryResults.Error(RegistryErrorCode.BlobUnknown, $"blob {digest} is not in {name}");
        }

        var blobs = context.RequestServices.GetRequiredService<IBlobStore>();
        var stream = await blobs.OpenReadAsync(digest, cancellationToken);
        if (stream is null)
        {
            // The database says the blob exists but the bytes are gone: say so instead of serving nothing.
            return RegistryResults.Error(RegistryErrorCode.BlobUnknown, $"blob {digest} is recorded but its content is missing");
        }

        context.Response.Headers[RegistryHeaders.ContentDigest] = digest.ToString();
        if (ByteRange.TryParseRange(context.Request.Headers.Range.ToString(), stream.Length, out _, out var satisfiable) && !satisfiable)
        {
            var size = stream.Length;
            await stream.DisposeAsync();
            return RegistryResults.Error(
                RegistryErrorCode.RangeInvalid,
                $"range {context.Request.Headers.Range} is outside the blob's {size} bytes",
                new Dictionary<string, string> { ["Content-Range"] = $"bytes */{size}" });
        }

        RegistryMetrics.BlobBytesServed(context, stream.Length);

        return new BlobContentResult(stream, "application/octet-stream", new EntityTagHeaderValue($"\"{digest}\""));
    }

    public static async Task<IResult> DeleteAsync(HttpContext context, RepositoryName name, string reference, CancellationToken cancellationToken)
    {
        if (!Digest.TryParse(reference, out var digest, out var digestError))
        {
            return RegistryResults.Error(RegistryErrorCode.DigestInvalid, digestError);
        }

        var store = context.RequestServices.GetRequiredService<RegistryStore>();
        if (await store.FindRepositoryAsync(name.Value, cancellationToken) is not { } repository)
        {
            return RegistryResults.Error(RegistryErrorCode.NameUnknown, $"repository {name} is not known");
        }

        // Only the repository's link goes now; garbage collection removes the bytes once nothing links them.
        return await store.UnlinkBlobAsync(repository.Id, digest, cancellationToken) switch
        {
            RegistryDeleteOutcome.Deleted => RegistryResults.Status(StatusCodes.Status202Accepted),
            RegistryDeleteOutcome.Referenced => RegistryResults.Error(
                RegistryErrorCode.StillReferenced, $"blob {digest} is referenced by a manifest in {name}; delete the manifest first"),
            _ => RegistryResults.Error(RegistryErrorCode.BlobUnknown, $"blob {digest} is not in {name}"),
        };
    }
}
