using System.Linq.Expressions;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Wharf.Client.Registry;
using Wharf.Oci;
using Wharf.Server.Data;
using Wharf.Server.Storage;

namespace Wharf.Server.Registry;

/// <summary>
/// The read-only queries behind the UI's registry browser. Listings are keyset pages over the same indexes the API
/// uses (name order, <c>last</c>), so a page costs the same however many repositories or tags come before it. Nothing
/// here writes, and nothing reads a blob whole: the config preview stops at <see cref="ConfigPreviewLimit"/>.
/// </summary>
internal sealed class RegistryBrowser(WharfDbContext db, IBlobStore blobs)
{
    /// <summary>Configs larger than this are shown cut, as stored: a page must stay readable and cheap to render.</summary>
    public const int ConfigPreviewLimit = 64 * 1024;

    /// <summary>How many tags of one manifest, and referrers of it, the manifest page lists.</summary>
    public const int MaxListed = 200;

    // Indexes nest rarely and shallowly; the bounds keep a hostile chain from turning one page view into thousands
    // of queries. Past them, sizes count only what was loaded.
    private const int MaxIndexDepth = 4;
    private const int MaxTreeManifests = 256;

    private static readonly JsonWriterOptions PrettyJson = new()
    {
        Indented = true,
        // The page HTML-encodes the text; escaping again here would show "\u003C" where the config says "<".
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Repositories in name order after <paramref name="last"/>, whose name contains <paramref name="filter"/>.</summary>
    public async Task<RepositoryPage> ListRepositoriesAsync(
        RepositoryVisibility visibility, string? filter, string? last, int count, CancellationToken cancellationToken = default)
    {
        var query = visibility.Apply(db.RegistryRepositories.AsNoTracking());
        if (!string.IsNullOrEmpty(filter))
        {
            query = query.Where(r => r.Name.Contains(filter));
        }

        if (!string.IsNullOrEmpty(last))
        {
            query = query.Where(r => string.Compare(r.Name, last) > 0);
        }

        var rows = await query.OrderBy(r => r.Name).Take(count + 1).Select(Summary).ToListAsync(cancellationToken);
        return new RepositoryPage(rows.Take(count).ToList(), rows.Count > count ? rows[count - 1].Name : null);
    }

    /// <summary>One repository with its counts; null when there is no such repository.</summary>
    public Task<RepositorySummary?> FindRepositoryAsync(string name, CancellationToken cancellationToken = default)
        => db.RegistryRepositories.AsNoTracking().Where(r => r.Name == name)
            .Select(Summary)
            .FirstOrDefaultAsync(cancellationToken);

    /// <summary>A repository's tags in lexical order after <paramref name="last"/>, with the manifest each points at.</summary>
    public async Task<TagPage> ListTagsAsync(string repository, string? last, int count, CancellationToken cancellationToken = default)
    {
        var tags = from tag in db.RegistryTags
                   join repo in db.RegistryRepositories on tag.RepositoryId equals repo.Id
                   where repo.Name == repository
                   select tag;
        if (!string.IsNullOrEmpty(last))
        {
            tags = tags.Where(t => string.Compare(t.Name, last) > 0);
        }

        var rows = await (
            from tag in tags
            join manifest in db.RegistryManifests on tag.ManifestId equals manifest.Id
            orderby tag.Name
            select new TagSummary(tag.Name, manifest.Digest, manifest.MediaType, manifest.ArtifactType, manifest.Size, tag.UpdatedAt))
            .Take(count + 1)
            .ToListAsync(cancellationToken);
        return new TagPage(repository, rows.Take(count).ToList(), rows.Count > count ? rows[count - 1].Name : null);
    }

    /// <summary>
    /// A manifest of <paramref name="repository"/> by <paramref name="digest"/>, or else by <paramref name="tag"/>, with
    /// everything its page shows; null when the repository, digest or tag does not exist.
    /// </summary>
    public async Task<RegistryManifestDetails?> FindManifestAsync(string repository, string? digest, string? tag, CancellationToken cancellationToken = default)
    {
        var repo = await db.RegistryRepositories.AsNoTracking().FirstOrDefaultAsync(r => r.Name == repository, cancellationToken);
        if (repo is null || (digest is null && tag is null))
        {
            return null;
        }

        var stored = digest is not null
            ? await db.RegistryManifests.AsNoTracking()
                .FirstOrDefaultAsync(m => m.RepositoryId == repo.Id && m.Digest == digest, cancellationToken)
            : await (
                from t in db.RegistryTags
                join m in db.RegistryManifests on t.ManifestId equals m.Id
                where t.RepositoryId == repo.Id && t.Name == tag
                select m).AsNoTracking().FirstOrDefaultAsync(cancellationToken);
        if (stored is null)
        {
            return null;
        }

        var parsed = Parse(stored.Content, stored.MediaType, stored.Digest);
        var tags = await db.RegistryTags.Where(t => t.ManifestId == stored.Id)
            .OrderBy(t => t.Name).Select(t => t.Name).Take(MaxListed).ToListAsync(cancellationToken);
        var referrers = await db.RegistryManifests
            .Where(m => m.RepositoryId == repo.Id && m.SubjectDigest == stored.Digest)
            .OrderBy(m => m.Id)
            .Select(m => new ReferrerRow(m.Digest, m.MediaType, m.ArtifactType, m.Size, m.AnnotationsJson))
            .Take(MaxListed)
            .ToListAsync(cancellationToken);
        var subjectPresent = false;
        if (parsed.Subject is { } subject)
        {
            var subjectDigest = subject.Digest.ToString();
            subjectPresent = await db.RegistryManifests.AnyAsync(m => m.RepositoryId == repo.Id && m.Digest == subjectDigest, cancellationToken);
        }

        var tree = await LoadIndexTreeAsync(repo.Id, stored.Digest, parsed, cancellationToken);
        var children = parsed.Manifests
            .Select(d => new RegistryIndexChild(d, tree.ContainsKey(d.Digest.ToString()), TotalSize(d.Digest.ToString(), d.Size, tree)))
            .ToList();
        var config = parsed.Config is { } c ? await ReadConfigAsync(c, cancellationToken) : null;
        var resolvedTag = digest is null ? tag : null;
        return new RegistryManifestDetails(
            repo.Name, stored, parsed, resolvedTag, tags, referrers, subjectPresent, children, TotalSize(stored.Digest, stored.Size, tree), config);
    }

    /// <summary>Reads at most <see cref="ConfigPreviewLimit"/> bytes of a config blob and pretty-prints it when it is JSON.</summary>
    public async Task<RegistryConfigPreview> ReadConfigAsync(Descriptor config, CancellationToken cancellationToken = default)
    {
        await using var stream = await blobs.OpenReadAsync(config.Digest, cancellationToken);
        if (stream is null)
        {
            return new RegistryConfigPreview(null, "The config blob is not in the blob store.");
        }

        // One byte past the limit tells "exactly the limit" from "more than the limit" without reading the rest.
        var buffer = new byte[ConfigPreviewLimit + 1];
        var length = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
        var content = buffer.AsSpan(0, Math.Min(length, ConfigPreviewLimit));
        if (length > ConfigPreviewLimit)
        {
            return new RegistryConfigPreview(
                Encoding.UTF8.GetString(content),
                $"The config is {config.Size:N0} bytes; the first {ConfigPreviewLimit:N0} are shown as stored.");
        }

        try
        {
            using var document = JsonDocument.Parse(buffer.AsMemory(0, length));
            using var output = new MemoryStream();
            using (var writer = new Utf8JsonWriter(output, PrettyJson))
            {
                document.WriteTo(writer);
            }

            return new RegistryConfigPreview(Encoding.UTF8.GetString(output.GetBuffer(), 0, (int)output.Length), null);
        }
        catch (JsonException)
        {
            return new RegistryConfigPreview(Encoding.UTF8.GetString(content), "The config is not JSON; shown as stored.");
        }
    }

    /// <summary>A repository with its counts, as one SQL projection (the counts are correlated subqueries).</summary>
    private Expression<Func<RegistryRepository, RepositorySummary>> Summary
        => r => new RepositorySummary(
            r.Name,
            r.Project,
            db.RegistryTags.Count(t => t.RepositoryId == r.Id),
            db.RegistryManifests.Count(m => m.RepositoryId == r.Id),
            r.CreatedAt);

    /// <summary>The manifests reachable from an index through its children (itself included), parsed, within the bounds.</summary>
    private async Task<Dictionary<string, Manifest>> LoadIndexTreeAsync(long repositoryId, string digest, Manifest root, CancellationToken cancellationToken)
    {
        var tree = new Dictionary<string, Manifest>(StringComparer.Ordinal) { [digest] = root };
        var frontier = root.Manifests.Select(m => m.Digest.ToString()).ToList();
        for (var depth = 0; depth < MaxIndexDepth && frontier.Count > 0 && tree.Count < MaxTreeManifests; depth++)
        {
            var wanted = frontier.Where(d => !tree.ContainsKey(d)).Distinct(StringComparer.Ordinal).Take(MaxTreeManifests - tree.Count).ToList();
            var rows = await db.RegistryManifests.AsNoTracking()
                .Where(m => m.RepositoryId == repositoryId && wanted.Contains(m.Digest))
                .Select(m => new { m.Digest, m.MediaType, m.Content })
                .ToListAsync(cancellationToken);
            frontier = [];
            foreach (var row in rows)
            {
                var child = Parse(row.Content, row.MediaType, row.Digest);
                tree[row.Digest] = child;
                frontier.AddRange(child.Manifests.Select(m => m.Digest.ToString()));
            }
        }

        return tree;
    }

    /// <summary>The bytes a manifest stands for: itself, its blobs and its children's, each distinct digest once.</summary>
    private static long TotalSize(string digest, long size, Dictionary<string, Manifest> tree)
    {
        var sizes = new Dictionary<string, long>(StringComparer.Ordinal);
        var pending = new Stack<(string Digest, long Size)>([(digest, size)]);
        while (pending.TryPop(out var next))
        {
            if (!sizes.TryAdd(next.Digest, next.Size) || !tree.TryGetValue(next.Digest, out var manifest))
            {
                continue;
            }

            foreach (var blob in manifest.Blobs)
            {
                sizes.TryAdd(blob.Digest.ToString(), blob.Size);
            }

            foreach (var child in manifest.Manifests)
            {
                pending.Push((child.Digest.ToString(), child.Size));
            }
        }

        return sizes.Values.Sum();
    }

    // Stored manifests passed this parser when they were pushed, so a failure here means the row was damaged.
    private static Manifest Parse(byte[] content, string mediaType, string digest)
        => ManifestParser.TryParse(content, mediaType, out var error)
            ?? throw new InvalidDataException($"stored manifest {digest} no longer parses: {error}");
}
