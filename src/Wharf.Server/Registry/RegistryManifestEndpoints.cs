using System.Buffers;
using Microsoft.Net.Http.Headers;
using Wharf.Oci;

namespace Wharf.Server.Registry;

/// <summary><c>GET|HEAD|PUT|DELETE /v2/&lt;name&gt;/manifests/&lt;tag|digest&gt;</c>.</summary>
internal static class RegistryManifestEndpoints
{
    public static async Task<IResult> GetAsync(HttpContext context, RepositoryName name, string reference, CancellationToken cancellationToken)
    {
        if (ParseReference(reference) is { Error: { } invalid })
        {
            return invalid;
        }

        // One query answers the common case; only a miss asks which of repository or manifest is unknown.
        var store = context.RequestServices.GetRequiredService<RegistryStore>();
        var isDigest = reference.Contains(':', StringComparison.Ordinal);
        if (await store.FindManifestHeadAsync(name.Value, reference, isDigest, cancellationToken) is not { } manifest)
        {
            return await ManifestUnknownAsync(store, name, reference, cancellationToken);
        }

        var cache = context.RequestServices.GetRequiredService<RegistryManifestCache>();
        if (!cache.TryGet(manifest.Digest, out var content))
        {
            if (await store.FindManifestContentAsync(manifest.Id, cancellationToken) is not { } stored)
            {
                // Deleted between the two queries: the same answer a later request would get.
                return await ManifestUnknownAsync(store, name, reference, cancellationToken);
            }

            content = stored;
            cache.Add(manifest.Digest, content);
        }

        context.Response.Headers[RegistryHeaders.ContentDigest] = manifest.Digest;
        return TypedResults.Bytes(content, manifest.MediaType, entityTag: new EntityTagHeaderValue($"\"{manifest.Digest}\""));
    }

    public static async Task<IResult> PutAsync(HttpContext context, RepositoryName name, string reference, CancellationToken cancellationToken)
    {
        var parsedReference = ParseReference(reference);
        if (parsedReference.Error is { } invalid)
        {
            return invalid;
        }

        var content = await ReadLimitedAsync(context.Request, RegistryManifest.MaxSize, cancellationToken);
        if (content is null)
        {
            return RegistryResults.Error(RegistryErrorCode.ManifestTooLarge, $"manifests are limited to {RegistryManifest.MaxSize} bytes");
        }

        // The digest is always of the bytes as pushed; a digest reference must match them.
        var algorithm = parsedReference.Digest?.Algorithm ?? "sha256";
        Digest digest;
        using (var hash = Digest.CreateHash(algorithm))
        {
            hash.AppendData(content);
            digest = Digest.FromHash(algorithm, hash.GetHashAndReset());
        }

        if (parsedReference.Digest is { } expected && expected != digest)
        {
            return RegistryResults.Error(RegistryErrorCode.DigestInvalid, $"manifest digest is {digest}, not {expected}");
        }

        var manifest = ManifestParser.TryParse(content, context.Request.ContentType, out var manifestError);
        if (manifest is null)
        {
            return RegistryResults.Error(RegistryErrorCode.ManifestInvalid, manifestError);
        }

        var store = context.RequestServices.GetRequiredService<RegistryStore>();
        var repository = await store.EnsureRepositoryAsync(name, cancellationToken);
        var tag = parsedReference.Digest is null ? reference : null;
        var missing = await store.PutManifestAsync(repository, digest, content, manifest, tag, cancellationToken);
        if (missing.Count > 0)
        {
            return RegistryResults.Error(
                RegistryErrorCode.ManifestBlobUnknown,
                $"manifest refers to content not in {name}: {string.Join(", ", missing.Take(10))}");
        }

        RegistryMetrics.ManifestPushed();
        var headers = new List<(string, string)>
        {
            ("Location", $"/v2/{name}/manifests/{digest}"),
            (RegistryHeaders.ContentDigest, digest.ToString()),
        };
        if (manifest.Subject is { } subject)
        {
            headers.Add((RegistryHeaders.OciSubject, subject.Digest.ToString()));
        }

        return RegistryResults.Status(StatusCodes.Status201Created, [.. headers]);
    }

    public static async Task<IResult> DeleteAsync(HttpContext context, RepositoryName name, string reference, CancellationToken cancellationToken)
    {
        var parsedReference = ParseReference(reference);
        if (parsedReference.Error is { } invalid)
        {
            return invalid;
        }

        var store = context.RequestServices.GetRequiredService<RegistryStore>();
        if (await store.FindRepositoryAsync(name.Value, cancellationToken) is not { } repository)
        {
            return RegistryResults.Error(RegistryErrorCode.NameUnknown, $"repository {name} is not known");
        }

        // By digest the manifest goes (with its tags); by tag only the tag goes.
        var outcome = parsedReference.Digest is { } digest
            ? await store.DeleteManifestAsync(repository, digest, cancellationToken)
            : await store.DeleteTagAsync(repository, reference, cancellationToken) ? RegistryDeleteOutcome.Deleted : RegistryDeleteOutcome.NotFound;
        return outcome switch
        {
            RegistryDeleteOutcome.Deleted => RegistryResults.Status(StatusCodes.Status202Accepted),
            RegistryDeleteOutcome.Referenced => RegistryResults.Error(
                RegistryErrorCode.StillReferenced, $"manifest {reference} is listed by an index in {name}; delete the index first"),
            _ => RegistryResults.Error(RegistryErrorCode.ManifestUnknown, $"manifest {reference} is not in {name}"),
        };
    }

    private static async Task<IResult> ManifestUnknownAsync(RegistryStore store, RepositoryName name, string reference, CancellationToken cancellationToken)
        => await store.FindRepositoryAsync(name.Value, cancellationToken) is null
            ? RegistryResults.Error(RegistryErrorCode.NameUnknown, $"repository {name} is not known")
            : RegistryResults.Error(RegistryErrorCode.ManifestUnknown, $"manifest {reference} is not in {name}");

    private static (Digest? Digest, IResult? Error) ParseReference(string reference)
    {
        if (reference.Contains(':', StringComparison.Ordinal))
        {
            return Digest.TryParse(reference, out var digest, out var error)
                ? (digest, null)
                : (null, RegistryResults.Error(RegistryErrorCode.DigestInvalid, error));
        }

        return RepositoryName.IsValidTag(reference)
            ? (null, null)
            : (null, RegistryResults.Error(RegistryErrorCode.ManifestInvalid, $"reference '{reference}' is neither a tag ([a-zA-Z0-9_][a-zA-Z0-9._-]{{0,127}}) nor a digest"));
    }

    /// <summary>Reads the body up to <paramref name="limit"/> bytes; null when it is longer (without reading it all).</summary>
    private static async Task<byte[]?> ReadLimitedAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            return null;
        }

        var buffer = new ArrayBufferWriter<byte>((int)Math.Min(request.ContentLength ?? 16 * 1024, limit));
        while (true)
        {
            var memory = buffer.GetMemory(16 * 1024);
            var read = await request.Body.ReadAsync(memory, cancellationToken);
            if (read == 0)
            {
                return buffer.WrittenSpan.ToArray();
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > limit)
            {
                return null;
            }
        }
    }
}
