using System.Net;
using System.Text.RegularExpressions;

namespace Wharf.Server.Tests.Registry.Conformance;

// Content discovery: tags/list and _catalog (upstream 03_discovery and 06_tags_list; pagination by n/last is in
// Oci11ConformanceTests because distribution 2.8 ignores both for tags).
public abstract partial class RegistryConformanceTests
{
    [Fact]
    public async Task TagsList_AfterPushes_ListsEveryTagUnderTheRepositoryName()
    {
        var repository = NewRepository("tags");
        var image = await PushBystanderAsync(repository);
        string[] tags = ["test0", "test1", "test2", "test3"];
        foreach (var tag in tags)
        {
            await Registry.PushManifestAsync(repository, tag, image.Root);
        }

        var response = await Registry.ListTagsAsync(repository);

        RegistryAssert.Status(HttpStatusCode.OK, response);
        var list = response.Json<TagListDocument>();
        Assert.Equal(repository, list.Name);
        Assert.Equal(["image", .. tags], list.Tags!.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task TagsList_FirstListedTag_ResolvesToAManifest()
    {
        var repository = NewRepository("tags");
        var image = await PushBystanderAsync(repository);

        var list = (await Registry.ListTagsAsync(repository)).Json<TagListDocument>();
        var get = await Registry.GetManifestAsync(repository, list.Tags![0]);

        RegistryAssert.Status(HttpStatusCode.OK, get);
        RegistryAssert.Body(image.Root.Content, get);
    }

    [Fact]
    public async Task TagsList_UnknownRepository_Returns404NameUnknown()
    {
        var response = await Registry.ListTagsAsync(NewRepository("never-pushed"));

        RegistryAssert.Error(response, HttpStatusCode.NotFound, "NAME_UNKNOWN");
    }

    [Fact]
    public async Task TagsList_HugeN_Returns200WithEveryTagOrALinkToTheRest()
    {
        // A registry may cap n, but a short page without a Link header would claim the list is complete.
        var repository = NewRepository("tags");
        var image = await PushBystanderAsync(repository);
        await Registry.PushManifestAsync(repository, "second", image.Root);

        var response = await Registry.ListTagsAsync(repository, "n=10000000");

        RegistryAssert.Status(HttpStatusCode.OK, response);
        var tags = response.Json<TagListDocument>().Tags ?? [];
        Assert.True(tags.Count == 2 || response.Header("Link") is not null, $"a short page needs a Link header: {response}");
        Assert.Subset(new HashSet<string>(["image", "second"], StringComparer.Ordinal), tags.ToHashSet(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Catalog_NAndLast_PagesThroughRepositoriesInOrderWithLinks()
    {
        // The catalog is registry-wide, so the walk starts right before this test's own repositories.
        var prefix = NewRepository("catalog");
        string[] repositories = [prefix + "-a", prefix + "-b", prefix + "-c"];
        foreach (var repository in repositories)
        {
            await PushBystanderAsync(repository);
        }

        var first = await Registry.GetAsync($"/v2/_catalog?n=2&last={Uri.EscapeDataString(prefix)}");
        RegistryAssert.Status(HttpStatusCode.OK, first, "first page");
        Assert.Equal(repositories[..2], first.Json<CatalogDocument>().Repositories);
        var next = NextLink(first) ?? throw new InvalidOperationException($"a full page needs a Link header: {first}");

        var second = await Registry.GetAsync(next);
        RegistryAssert.Status(HttpStatusCode.OK, second, "second page");
        Assert.Equal(repositories[2], second.Json<CatalogDocument>().Repositories![0]);
    }

    /// <summary>The target of an RFC 5988 <c>Link: &lt;url&gt;; rel="next"</c> header, or null.</summary>
    protected static string? NextLink(RegistryResponse response)
    {
        var match = Regex.Match(response.Header("Link") ?? "", "<([^>]*)>\\s*;\\s*rel=\"?next\"?", RegexOptions.CultureInvariant);
        return match.Success ? match.Groups[1].Value : null;
    }
}
