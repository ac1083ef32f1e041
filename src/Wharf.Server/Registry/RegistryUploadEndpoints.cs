using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Wharf.Oci;
using Wharf.Server.Data;
using Wharf.Server.Hosting;
using Wharf.Server.Storage;

namespace Wharf.Server.Registry;

/// <summary>
/// Blob uploads: <c>POST /v2/&lt;name&gt;/blobs/uploads/</c> and <c>/v2/&lt;name&gt;/blobs/uploads/&lt;id&gt;</c>.
/// </summary>
/// <remarks>
/// The upload state machine. POST opens a session (202 + Location), or finishes in one request when it carries
/// <c>?digest=</c> (201), or mounts a blob from another repository with <c>?mount=&amp;from=</c> (201; when the
/// source is not readable it falls back to opening a session, as the spec says). PATCH appends a chunk, which must
/// start exactly where the staged bytes end (else 416 and the Range the server holds, so the client can resume).
/// GET reports that Range. PUT appends an optional last chunk, then commits: the staged bytes must hash to
/// <c>?digest=</c>, and only then become a blob linked into the repository. DELETE cancels. Sessions live in the
/// database and their bytes in the blob store's staging area, so a restarted server resumes them; abandoned ones
/// expire.
/// </remarks>
internal static class RegistryUploadEndpoints
{
    public static async Task<IResult> StartAsync(HttpContext context, RepositoryName name, CancellationToken cancellationToken)
    {
        var query = context.Request.Query;
        var store = context.RequestServices.GetRequiredService<RegistryStore>();
        var repository = await store.EnsureRepositoryAsync(name, cancellationToken);

        if (query.TryGetValue("mount", out var mountValue))
        {
            // A mount that cannot happen (malformed digest, unknown or unreadable source) is not an error: the spec
            // has the registry open an ordinary upload session instead, and the client uploads the blob.
            if (Digest.TryParse(mountValue.ToString(), out var mountDigest)
                && await TryMountAsync(context, store, repository, mountDigest, query["from"].ToString(), cancellationToken) is { } mounted)
            {
                return mounted;
            }

            return await OpenSessionAsync(context, name, repository, cancellationToken);
        }

        if (query.TryGetValue("digest", out var digestValue))
        {
            if (!Digest.TryParse(digestValue.ToString(), out var digest, out var digestError))
            {
                return RegistryResults.Error(RegistryErrorCode.DigestInvalid, digestError);
            }

            return await WriteMonolithicAsync(context, store, name, repository, digest, cancellationToken);
        }

        return await OpenSessionAsync(context, name, repository, cancellationToken);
    }

    public static async Task<IResult> GetStatusAsync(HttpContext context, RepositoryName name, string reference, CancellationToken cancellationToken)
    {
        if (await FindSessionAsync(context, name, reference, cancellationToken) is not { } session)
        {
            return UnknownUpload(reference);
        }

        var length = await Blobs(context).GetStagedLengthAsync(session.Id, cancellationToken) ?? 0;
        return RegistryResults.Status(StatusCodes.Status204NoContent, SessionHeaders(name, session.Id, length));
    }

    public static async Task<IResult> PatchAsync(HttpContext context, RepositoryName name, string reference, CancellationToken cancellationToken)
    {
        if (await FindSessionAsync(context, name, reference, cancellationToken) is not { } session)
        {
            return UnknownUpload(reference);
        }

        var appended = await ReceiveChunkAsync(context, name, session.Id, cancellationToken);
        if (appended.Error is { } error)
        {
            return error;
        }

        await TouchAsync(context, session.Id, cancellationToken);
        return RegistryResults.Status(StatusCodes.Status202Accepted, SessionHeaders(name, session.Id, appended.Length));
    }

    public static async Task<IResult> PutAsync(HttpContext context, RepositoryName name, string reference, CancellationToken cancellationToken)
    {
        if (await FindSessionAsync(context, name, reference, cancellationToken) is not { } session)
        {
            return UnknownUpload(reference);
        }

        if (!Digest.TryParse(context.Request.Query["digest"].ToString(), out var digest, out var digestError))
        {
            return RegistryResults.Error(RegistryErrorCode.DigestInvalid, $"?digest= is required to finish an upload: {digestError}");
        }

        // The last chunk may ride on the PUT; an empty body still creates the staged upload of an empty blob.
        var blobs = Blobs(context);
        var appended = await ReceiveChunkAsync(context, name, session.Id, cancellationToken);
        if (appended.Error is { } error)
        {
            return error;
        }

        BlobWriteResult written;
        try
        {
            written = await blobs.CommitStagedAsync(session.Id, digest, cancellationToken);
        }
        catch (BlobDigestMismatchException ex)
        {
            await DeleteSessionAsync(context, session.Id, cancellationToken);
            return RegistryResults.Error(RegistryErrorCode.DigestInvalid, ex.Message);
        }

        Failpoints.Hit(RegistryFailpoints.UploadBeforeRecord);
        var store = context.RequestServices.GetRequiredService<RegistryStore>();
        await DeleteSessionAsync(context, session.Id, cancellationToken);
        if (!await store.RecordPublishedBlobAsync(session.RepositoryId, written.Digest, written.Size, cancellationToken))
        {
            return SweptWhilePublishing(written.Digest);
        }

        RegistryMetrics.BlobBytesReceived(written.Size);
        return BlobCreated(name, written.Digest);
    }

    public static async Task<IResult> CancelAsync(HttpContext context, RepositoryName name, string reference, CancellationToken cancellationToken)
    {
        if (await FindSessionAsync(context, name, reference, cancellationToken) is not { } session)
        {
            return UnknownUpload(reference);
        }

        await Blobs(context).DeleteStagedAsync(session.Id, cancellationToken);
        await DeleteSessionAsync(context, session.Id, cancellationToken);
        return RegistryResults.Status(StatusCodes.Status204NoContent);
    }

    private static async Task<IResult?> TryMountAsync(
        HttpContext context, RegistryStore store, RegistryRepository target, Digest digest, string from, CancellationToken cancellationToken)
    {
        if (!RepositoryName.TryParse(from, out var source, out _))
        {
            return null;
        }

        var authorizer = context.RequestServices.GetRequiredService<IRegistryAuthorizer>();
        if (await authorizer.AuthorizeAsync(context, source, RegistryActions.Pull, cancellationToken) is not null
            || await store.FindRepositoryAsync(source.Value, cancellationToken) is not { } sourceRepository
            || !await store.MountBlobAsync(sourceRepository.Id, target.Id, digest, cancellationToken))
        {
            return null;
        }

        RegistryMetrics.BlobMounted();
        return BlobCreated(RepositoryNameOf(target), digest);
    }

    private static async Task<IResult> WriteMonolithicAsync(
        HttpContext context, RegistryStore store, RepositoryName name, RegistryRepository repository, Digest digest, CancellationToken cancellationToken)
    {
        BlobWriteResult written;
        try
        {
            written = await Blobs(context).WriteAsync(context.Request.Body, digest, cancellationToken);
        }
        catch (BlobDigestMismatchException ex)
        {
            return RegistryResults.Error(RegistryErrorCode.DigestInvalid, ex.Message);
        }
        catch (Exception ex) when (IsTruncatedBody(ex, cancellationToken))
        {
            return RegistryResults.Error(RegistryErrorCode.BlobUploadInvalid, "the request body ended before Content-Length bytes arrived; nothing was stored");
        }

        Failpoints.Hit(RegistryFailpoints.UploadBeforeRecord);
        if (!await store.RecordPublishedBlobAsync(repository.Id, written.Digest, written.Size, cancellationToken))
        {
            return SweptWhilePublishing(written.Digest);
        }

        RegistryMetrics.BlobBytesReceived(written.Size);
        return BlobCreated(name, written.Digest);
    }

    private static async Task<IResult> OpenSessionAsync(HttpContext context, RepositoryName name, RegistryRepository repository, CancellationToken cancellationToken)
    {
        var db = context.RequestServices.GetRequiredService<WharfDbContext>();
        var now = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        var session = new RegistryUpload { Id = Guid.NewGuid(), RepositoryId = repository.Id, StartedAt = now, UpdatedAt = now };
        db.RegistryUploads.Add(session);
        await db.SaveChangesAsync(cancellationToken);
        RegistryMetrics.UploadStarted();
        return RegistryResults.Status(StatusCodes.Status202Accepted, SessionHeaders(name, session.Id, 0));
    }

    /// <summary>Checks the request's chunk against what the upload holds and appends it (PATCH, and the PUT's last chunk).</summary>
    private static async Task<(long Length, IResult? Error)> ReceiveChunkAsync(HttpContext context, RepositoryName name, Guid id, CancellationToken cancellationToken)
    {
        var length = await Blobs(context).GetStagedLengthAsync(id, cancellationToken) ?? 0;
        return CheckChunk(context.Request, name, id, length) is { } refused
            ? (length, refused)
            : await AppendAsync(context, name, id, length, cancellationToken);
    }

    /// <summary>Checks a chunk's Content-Range against the staged length: a chunk must continue exactly where it ends.</summary>
    private static IResult? CheckChunk(HttpRequest request, RepositoryName name, Guid id, long length)
    {
        var header = request.Headers.ContentRange.ToString();
        if (string.IsNullOrEmpty(header))
        {
            return null; // streamed upload: the chunk continues at the end
        }

        if (!ByteRange.TryParseContentRange(header, out var range))
        {
            return RegistryResults.Error(RegistryErrorCode.RangeInvalid, $"Content-Range '{header}' is not of the form <start>-<end>", ToHeaders(SessionHeaders(name, id, length)));
        }

        if (range.Start != length)
        {
            return RegistryResults.Error(
                RegistryErrorCode.RangeInvalid,
                $"chunk starts at {range.Start} but the upload holds {length} bytes",
                ToHeaders(SessionHeaders(name, id, length)));
        }

        if (request.ContentLength is { } contentLength && contentLength != range.Length)
        {
            return RegistryResults.Error(RegistryErrorCode.SizeInvalid, $"Content-Range covers {range.Length} bytes but Content-Length is {contentLength}");
        }

        return null;
    }

    private static async Task<(long Length, IResult? Error)> AppendAsync(HttpContext context, RepositoryName name, Guid id, long offset, CancellationToken cancellationToken)
    {
        try
        {
            var length = await Blobs(context).AppendStagedAsync(id, offset, context.Request.Body, cancellationToken);
            if (context.Request.ContentLength is { } declared && length - offset != declared)
            {
                return (length, RegistryResults.Error(RegistryErrorCode.SizeInvalid, $"received {length - offset} bytes but Content-Length was {declared}"));
            }

            RegistryMetrics.UploadBytes(length - offset);
            return (length, null);
        }
        catch (BlobStagingOffsetException ex)
        {
            return (ex.Length, RegistryResults.Error(RegistryErrorCode.RangeInvalid, ex.Message, ToHeaders(SessionHeaders(name, id, ex.Length))));
        }
        catch (Exception ex) when (IsTruncatedBody(ex, cancellationToken))
        {
            return (offset, RegistryResults.Error(RegistryErrorCode.BlobUploadInvalid, "the request body ended before Content-Length bytes arrived; the chunk was not kept"));
        }
    }

    private static async Task<RegistryUpload?> FindSessionAsync(HttpContext context, RepositoryName name, string reference, CancellationToken cancellationToken)
    {
        if (!Guid.TryParseExact(reference, "N", out var id))
        {
            return null;
        }

        var db = context.RequestServices.GetRequiredService<WharfDbContext>();
        return await (
            from upload in db.RegistryUploads
            join repository in db.RegistryRepositories on upload.RepositoryId equals repository.Id
            where upload.Id == id && repository.Name == name.Value
            select upload).AsNoTracking().FirstOrDefaultAsync(cancellationToken);
    }

    private static async Task TouchAsync(HttpContext context, Guid id, CancellationToken cancellationToken)
    {
        var db = context.RequestServices.GetRequiredService<WharfDbContext>();
        var now = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        await db.RegistryUploads.Where(u => u.Id == id).ExecuteUpdateAsync(s => s.SetProperty(u => u.UpdatedAt, now), cancellationToken);
    }

    private static async Task DeleteSessionAsync(HttpContext context, Guid id, CancellationToken cancellationToken)
    {
        var db = context.RequestServices.GetRequiredService<WharfDbContext>();
        await db.RegistryUploads.Where(u => u.Id == id).ExecuteDeleteAsync(cancellationToken);
    }

    private static (string, string)[] SessionHeaders(RepositoryName name, Guid id, long length)
    {
        var uuid = id.ToString("N");
        return
        [
            ("Location", $"/v2/{name}/blobs/uploads/{uuid}"),
            ("Range", string.Create(CultureInfo.InvariantCulture, $"0-{Math.Max(0, length - 1)}")),
            (RegistryHeaders.UploadUuid, uuid),
        ];
    }

    private static IResult BlobCreated(RepositoryName name, Digest digest)
        => RegistryResults.Status(
            StatusCodes.Status201Created,
            ("Location", $"/v2/{name}/blobs/{digest}"),
            (RegistryHeaders.ContentDigest, digest.ToString()));

    private static IResult SweptWhilePublishing(Digest digest)
        => RegistryResults.Error(
            RegistryErrorCode.Unavailable,
            $"blob {digest} was garbage-collected while this upload published it; push it again",
            new Dictionary<string, string> { ["Retry-After"] = "1" });

    private static IResult UnknownUpload(string reference)
        => RegistryResults.Error(RegistryErrorCode.BlobUploadUnknown, $"upload {reference} is not known (finished, cancelled or expired)");

    private static Dictionary<string, string> ToHeaders((string Name, string Value)[] headers)
        => headers.ToDictionary(h => h.Name, h => h.Value, StringComparer.OrdinalIgnoreCase);

    private static RepositoryName RepositoryNameOf(RegistryRepository repository)
        => RepositoryName.TryParse(repository.Name, out var name, out _) ? name : throw new InvalidOperationException($"stored repository name {repository.Name} is invalid");

    private static IBlobStore Blobs(HttpContext context) => context.RequestServices.GetRequiredService<IBlobStore>();

    /// <summary>The client sent fewer bytes than it announced, or went away: not a server error.</summary>
    private static bool IsTruncatedBody(Exception ex, CancellationToken cancellationToken)
        => !cancellationToken.IsCancellationRequested && ex is BadHttpRequestException or Microsoft.AspNetCore.Connections.ConnectionResetException;
}
