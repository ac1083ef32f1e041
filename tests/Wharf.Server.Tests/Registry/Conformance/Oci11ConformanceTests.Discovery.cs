using System.Net;

namespace Wharf.Server.Tests.Registry.Conformance;

// Tag pagination: lexical order, n, last and the Link header (upstream 03_discovery and 06_tags_list).
public abstract partial class Oci11ConformanceTests
{
    // Lowercase letters and digits only, so lexical and ASCIIbetical order (both allowed) agree.
    private static readonly string[] SortedTags = ["alpha", "bravo", "charlie1", "charlie2", "delta"];

    [Fact]
    public async Task TagsList_Tags_AreInLexicalOrder()
    {
        var repository = await PushTagsAsync();

        var list = (await Registry.ListTagsAsync(repository)).Json<TagListDocument>();

        Assert.Equal(SortedTags, list.Tags);
    }

    [Fact]
    public async Task TagsList_N_ReturnsTheFirstNWithALinkToTheNextPage()
    {
        var repository = await PushTagsAsync();

        var response = await Registry.ListTagsAsync(repository, "n=2");

        RegistryAssert.Status(HttpStatusCode.OK, response);
        Assert.Equal(SortedTags[..2], response.Json<TagListDocument>().Tags);
        var next = NextLink(response) ?? throw new InvalidOperationException($"expected a Link rel=\"next\": {response}");
        Assert.Contains("last=bravo", next, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TagsList_FollowingLinks_VisitsEveryTagOnceInOrder()
    {
        var repository = await PushTagsAsync();
        var seen = new List<string>();
        string? next = $"/v2/{repository}/tags/list?n=2";

        for (var page = 0; next is not null && page < 10; page++)
        {
            var response = await Registry.GetAsync(next);
            RegistryAssert.Status(HttpStatusCode.OK, response, $"page {page}");
            var tags = response.Json<TagListDocument>().Tags ?? [];
            Assert.True(tags.Count <= 2, $"page {page} has more than n tags: {response}");
            seen.AddRange(tags);
            next = NextLink(response);
        }

        Assert.Equal(SortedTags, seen);
    }

    [Theory]
    [InlineData("last=bravo", new[] { "charlie1", "charlie2", "delta" })]
    [InlineData("n=2&last=bravo", new[] { "charlie1", "charlie2" })]
    [InlineData("n=3&last=charlie2", new[] { "delta" })]
    [InlineData("last=delta", new string[0])]
    public async Task TagsList_Last_StartsAfterThatTag(string query, string[] expected)
    {
        var repository = await PushTagsAsync();

        var response = await Registry.ListTagsAsync(repository, query);

        RegistryAssert.Status(HttpStatusCode.OK, response);
        Assert.Equal(expected, response.Json<TagListDocument>().Tags ?? []);
    }

    [Fact]
    public async Task TagsList_NZero_ReturnsAnEmptyListWithoutLink()
    {
        var repository = await PushTagsAsync();

        var response = await Registry.ListTagsAsync(repository, "n=0");

        RegistryAssert.Status(HttpStatusCode.OK, response);
        Assert.Empty(response.Json<TagListDocument>().Tags ?? []);
        Assert.Null(response.Header("Link"));
    }

    private async Task<string> PushTagsAsync()
    {
        var repository = NewRepository("pagination");
        var image = TestImages.Create("no-layers");
        foreach (var blob in image.Blobs)
        {
            await Registry.PushBlobAsync(repository, blob);
        }

        foreach (var tag in new[] { "delta", "alpha", "charlie2", "bravo", "charlie1" })
        {
            await Registry.PushManifestAsync(repository, tag, image.Root);
        }

        return repository;
    }
}
