using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Wharf.Client;
using Wharf.Server.Registry;
using Wharf.Server.Tests.Registry.Conformance;

namespace Wharf.Server.Tests.Ui;

/// <summary>
/// The registry browser as HTML over HTTP: content pushed through <c>/v2/</c> exactly as podman would, then the pages
/// read back. Each test works in a project of its own on the shared server.
/// </summary>
public sealed partial class RegistryPageTests(RegistryUiFixture server) : IClassFixture<RegistryUiFixture>
{
    private static readonly (string Os, string Architecture)[] TwoPlatforms = [("linux", "amd64"), ("linux", "arm64")];

    private RegistryTestClient Registry => server.Registry;

    [Fact]
    public async Task RegistryList_AfterPushes_ShowsRepositoryWithProjectAndCounts()
    {
        var project = RegistryUiFixture.NewProject();
        var repository = $"{project}/app";
        var image = await PushImageAsync(repository, "v1");
        await PushSignatureAsync(repository, image, "sig", "signed");

        var (status, html) = await GetPageAsync($"/registry?q={project}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("<h1>Registry</h1>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Not yet available", html, StringComparison.Ordinal);
        var row = Assert.Single(Rows(html, "repositories"));
        Assert.Equal([repository, project, "2", "2"], Cells(row).Take(4));
        Assert.Contains($"href=\"/registry/{repository}\"", row, StringComparison.Ordinal);
        Assert.Matches(@"\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC", Cells(row)[4]);
        var current = Assert.Single(Regex.Matches(html, "<a [^>]*aria-current=\"page\"[^>]*>"));
        Assert.Contains("href=\"/registry\"", current.Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RegistryList_ManyRepositories_PagesByLastKeepingFilterAndPageSize()
    {
        var project = RegistryUiFixture.NewProject();
        string[] names = [.. Enumerable.Range(0, 5).Select(i => $"{project}/repo-{i}")];
        foreach (var name in names.Reverse())
        {
            await PushEmptyIndexAsync(name, "latest");
        }

        var (_, first) = await GetPageAsync($"/registry?q={project}&n=2");
        var second = await FollowAsync(first, "next-page");
        var third = await FollowAsync(second, "next-page");

        Assert.Equal(names[..2], Rows(first, "repositories").Select(r => Cells(r)[0]));
        Assert.Equal(names[2..4], Rows(second, "repositories").Select(r => Cells(r)[0]));
        Assert.Equal(names[4..], Rows(third, "repositories").Select(r => Cells(r)[0]));
        Assert.Equal($"/registry?q={project}&last={Uri.EscapeDataString(names[1])}&n=2", Href(first, "next-page"));
        Assert.Null(Href(first, "first-page"));
        Assert.Null(Href(third, "next-page"));
        Assert.Equal($"/registry?q={project}&n=2", Href(third, "first-page"));
    }

    [Fact]
    public async Task RegistryList_FilterMatchesNothing_ShowsEmptyState()
    {
        var (status, html) = await GetPageAsync($"/registry?q={RegistryUiFixture.NewProject()}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("data-testid=\"no-repositories\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("data-testid=\"repositories\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RepositoryPage_Image_ListsTagWithDigestTypeAndSize()
    {
        var repository = $"{RegistryUiFixture.NewProject()}/models/iris";
        var image = await PushImageAsync(repository, "v1");
        var manifest = image.Root;

        var (status, html) = await GetPageAsync($"/registry/{repository}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains($"<h1>{repository}</h1>", html, StringComparison.Ordinal);
        var row = Assert.Single(Rows(html, "tags"));
        var cells = Cells(row);
        Assert.Equal("v1", cells[0]);
        Assert.Equal(manifest.Digest[..19], cells[1]);
        Assert.Contains($"title=\"{manifest.Digest}\"", row, StringComparison.Ordinal);
        Assert.Contains("image", cells[2], StringComparison.Ordinal);
        Assert.Contains(OciMediaTypes.ImageManifest, cells[2], StringComparison.Ordinal);
        Assert.Equal(ByteSize.Format(manifest.Size), cells[3]);
        Assert.Contains($"href=\"/registry/manifest?repository={Uri.EscapeDataString(repository)}&amp;tag=v1\"", row, StringComparison.Ordinal);
        Assert.Contains($"href=\"/registry/manifest?repository={Uri.EscapeDataString(repository)}&amp;digest={Uri.EscapeDataString(manifest.Digest)}\"", row, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RepositoryPage_ManyTags_PagesInLexicalOrder()
    {
        var repository = $"{RegistryUiFixture.NewProject()}/tagged";
        string[] tags = ["a", "b", "c", "d", "e"];
        foreach (var tag in tags.Reverse())
        {
            await PushEmptyIndexAsync(repository, tag);
        }

        var (_, first) = await GetPageAsync($"/registry/{repository}?n=2");
        var second = await FollowAsync(first, "next-page");
        var third = await FollowAsync(second, "next-page");

        Assert.Contains("data-testid=\"tag-count\">5<", first, StringComparison.Ordinal);
        Assert.Equal(["a", "b"], Rows(first, "tags").Select(r => Cells(r)[0]));
        Assert.Equal(["c", "d"], Rows(second, "tags").Select(r => Cells(r)[0]));
        Assert.Equal(["e"], Rows(third, "tags").Select(r => Cells(r)[0]));
        Assert.Null(Href(third, "next-page"));
        Assert.Equal($"/registry/{repository}?n=2", Href(third, "first-page"));
    }

    [Theory]
    [InlineData("/registry/nosuchproject/nothing")]
    [InlineData("/registry/Not_A_Valid/NAME")]
    [InlineData("/registry/noproject")]
    public async Task RepositoryPage_UnknownOrInvalidName_Returns404Page(string path)
    {
        var (status, html) = await GetPageAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("<h1>Page not found</h1>", html, StringComparison.Ordinal);
        Assert.Equal(path, Text(html, "missing-path"));
    }

    [Fact]
    public async Task ManifestPage_Image_ShowsLayersConfigJsonAndSizes()
    {
        var repository = $"{RegistryUiFixture.NewProject()}/app";
        var image = await PushImageAsync(repository, "v1");
        var document = JsonNode.Parse(image.Root.Content)!;
        var layers = document["layers"]!.AsArray().Select(l => (Digest: (string)l!["digest"]!, Size: (long)l["size"]!)).ToList();
        var configDigest = (string)document["config"]!["digest"]!;
        var config = image.Blobs.Single(b => b.Digest == configDigest);

        var (status, html) = await GetPageAsync(ManifestUrl(repository, digest: image.Root.Digest));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(image.Root.Digest, Text(html, "digest"));
        Assert.Equal(OciMediaTypes.ImageManifest, Text(html, "media-type"));
        Assert.Equal("image", Text(html, "manifest-kind"));
        var rows = Rows(html, "layers");
        Assert.Equal(layers.Count, rows.Count);
        for (var i = 0; i < layers.Count; i++)
        {
            Assert.Equal([(i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), OciMediaTypes.LayerGzip, layers[i].Digest[..19], ByteSize.Format(layers[i].Size)], Cells(rows[i]));
        }

        Assert.Equal(ByteSize.Format(layers.Sum(l => l.Size)), Text(html, "layers-total"));
        var total = image.Root.Size + config.Size + layers.Sum(l => l.Size);
        Assert.Contains($"data-testid=\"total-size\" title=\"{ByteSize.FormatExact(total)}\"", html, StringComparison.Ordinal);
        // The config is read from the blob store and pretty-printed: same JSON, one property per line.
        var configJson = Text(html, "config-json");
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(config.Content), JsonNode.Parse(configJson)));
        Assert.Contains("\n  \"architecture\": \"amd64\",\n", configJson, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"no-referrers\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ManifestPage_ReachedByTag_ShowsPullCommandsByTagAndByDigest()
    {
        var repository = $"{RegistryUiFixture.NewProject()}/app";
        var image = await PushImageAsync(repository, "v1");

        var (status, html) = await GetPageAsync(ManifestUrl(repository, tag: "v1"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains($"<h1>{repository}:v1</h1>", html, StringComparison.Ordinal);
        // TestServer's requests are plain HTTP to "localhost": podman needs the TLS flag to pull from it.
        Assert.Equal($"podman pull --tls-verify=false localhost/{repository}:v1", Text(html, "pull-by-tag"));
        Assert.Equal($"podman pull --tls-verify=false localhost/{repository}@{image.Root.Digest}", Text(html, "pull-by-digest"));
        Assert.Equal(image.Root.Digest, Text(html, "digest"));
    }

    [Fact]
    public async Task ManifestPage_ByDigest_ShowsOnlyTheDigestPullCommandAndItsTags()
    {
        var repository = $"{RegistryUiFixture.NewProject()}/app";
        var image = await PushImageAsync(repository, "v1");
        await Registry.PushManifestAsync(repository, "stable", image.Root);

        var (_, html) = await GetPageAsync(ManifestUrl(repository, digest: image.Root.Digest));

        Assert.DoesNotContain("data-testid=\"pull-by-tag\"", html, StringComparison.Ordinal);
        Assert.Equal($"podman pull --tls-verify=false localhost/{repository}@{image.Root.Digest}", Text(html, "pull-by-digest"));
        Assert.Contains($"<h1>{repository}@{image.Root.Digest[..19]}</h1>", html, StringComparison.Ordinal);
        var tags = Section(html, "manifest-tags");
        Assert.Contains(">stable</a>", tags, StringComparison.Ordinal);
        Assert.Contains(">v1</a>", tags, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ManifestPage_Index_ListsChildManifestsWithPlatformsAndLinks()
    {
        var repository = $"{RegistryUiFixture.NewProject()}/multi";
        var index = new TestImage("ui-index");
        index.AddPlatformIndex(TwoPlatforms, new TestImageOptions { Tag = "multi" });
        await Registry.PushImageAsync(repository, index);
        var children = index.Manifests.Take(2).ToList();

        var (status, html) = await GetPageAsync(ManifestUrl(repository, tag: "multi"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("index", Text(html, "manifest-kind"));
        Assert.DoesNotContain("data-testid=\"layers\"", html, StringComparison.Ordinal);
        var rows = Rows(html, "children");
        Assert.Equal(["linux/amd64", "linux/arm64"], rows.Select(r => Cells(r)[0]));
        for (var i = 0; i < children.Count; i++)
        {
            Assert.Contains($"href=\"{ManifestUrl(repository, digest: children[i].Digest).Replace("&", "&amp;", StringComparison.Ordinal)}\"", rows[i], StringComparison.Ordinal);
        }

        // The index's total counts each child's manifest, config and layers once.
        var total = index.Root.Size + index.Manifests.Take(2).Sum(m => m.Size) + index.Blobs.Sum(b => b.Size);
        Assert.Contains($"data-testid=\"total-size\" title=\"{ByteSize.FormatExact(total)}\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ManifestPage_ImageWithReferrer_ListsReferrerAndReferrerLinksBackToSubject()
    {
        var repository = $"{RegistryUiFixture.NewProject()}/app";
        var image = await PushImageAsync(repository, "v1");
        var signature = await PushSignatureAsync(repository, image, "sig", "signed by ci");

        var (_, subjectPage) = await GetPageAsync(ManifestUrl(repository, digest: image.Root.Digest));
        var (_, referrerPage) = await GetPageAsync(ManifestUrl(repository, digest: signature.Digest));

        var referrer = Assert.Single(Rows(subjectPage, "referrers"));
        Assert.Contains(OciMediaTypes.ExampleArtifactA, Cells(referrer)[0], StringComparison.Ordinal);
        Assert.Contains($"href=\"{ManifestUrl(repository, digest: signature.Digest).Replace("&", "&amp;", StringComparison.Ordinal)}\"", referrer, StringComparison.Ordinal);
        Assert.Contains("signed by ci", Cells(referrer)[2], StringComparison.Ordinal);
        var subject = Section(referrerPage, "subject");
        Assert.Contains($"href=\"{ManifestUrl(repository, digest: image.Root.Digest).Replace("&", "&amp;", StringComparison.Ordinal)}\"", subject, StringComparison.Ordinal);
        Assert.Equal(OciMediaTypes.ExampleArtifactA, Text(referrerPage, "manifest-kind"));
        Assert.Equal(OciMediaTypes.ExampleArtifactA, Text(referrerPage, "artifact-type"));
    }

    [Fact]
    public async Task ManifestPage_HostileAnnotations_AreHtmlEncodedEverywhere()
    {
        const string Hostile = "<script>alert('owned')</script><img src=x onerror=alert(1)>";
        var repository = $"{RegistryUiFixture.NewProject()}/app";
        var image = await PushImageAsync(repository, "v1");
        var signature = await PushSignatureAsync(repository, image, "sig", Hostile, hostileKey: "<b>key</b>");

        var (_, referrerPage) = await GetPageAsync(ManifestUrl(repository, digest: signature.Digest));
        var (_, subjectPage) = await GetPageAsync(ManifestUrl(repository, digest: image.Root.Digest));

        foreach (var html in new[] { referrerPage, subjectPage })
        {
            Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
            Assert.DoesNotContain("<img src=x", html, StringComparison.Ordinal);
            Assert.DoesNotContain("<b>key</b>", html, StringComparison.Ordinal);
            Assert.Contains("&lt;script&gt;alert(", html, StringComparison.Ordinal);
        }

        Assert.Contains(Hostile, WebUtility.HtmlDecode(Section(referrerPage, "annotations")), StringComparison.Ordinal);
        Assert.Contains(Hostile, WebUtility.HtmlDecode(Section(subjectPage, "referrers")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ManifestPage_ConfigLargerThanPreviewLimit_ShowsOnlyTheStartAndSaysSo()
    {
        var repository = $"{RegistryUiFixture.NewProject()}/big";
        var image = new TestImage("ui-big-config");
        var bigConfig = Encoding.UTF8.GetBytes($$"""{"architecture":"amd64","os":"linux","padding":"{{new string('x', RegistryBrowser.ConfigPreviewLimit)}}"}""");
        image.AddImage(new TestImageOptions { Tag = "v1", LayerCount = 1, ConfigMediaType = OciMediaTypes.ImageConfig, ConfigBytes = bigConfig, LayerMediaType = OciMediaTypes.OctetStream });
        await Registry.PushImageAsync(repository, image);

        var (status, html) = await GetPageAsync(ManifestUrl(repository, tag: "v1"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(RegistryBrowser.ConfigPreviewLimit, Text(html, "config-json").Length);
        Assert.Contains($"the first {RegistryBrowser.ConfigPreviewLimit:N0} are shown", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("?repository=nosuchproject/app&tag=v1")]
    [InlineData("?repository={repo}&tag=no-such-tag")]
    [InlineData("?repository={repo}&digest={missing}")]
    [InlineData("?repository={repo}&digest=sha256:not-hex")]
    [InlineData("?repository={repo}&tag=bad:tag")]
    [InlineData("?repository={repo}")]
    [InlineData("?digest={missing}")]
    [InlineData("")]
    public async Task ManifestPage_UnknownOrMalformedReference_Returns404Page(string query)
    {
        var repository = $"{RegistryUiFixture.NewProject()}/app";
        await PushEmptyIndexAsync(repository, "v1");
        var url = "/registry/manifest" + query
            .Replace("{repo}", repository, StringComparison.Ordinal)
            .Replace("{missing}", OciDigest.Missing(repository), StringComparison.Ordinal);

        var (status, html) = await GetPageAsync(url);

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("<h1>Page not found</h1>", html, StringComparison.Ordinal);
        // The 404 page names the path; NotFoundPage leaves the query out when it renders in place.
        Assert.StartsWith(Text(html, "missing-path"), url, StringComparison.Ordinal);
        Assert.StartsWith("/registry/manifest", Text(html, "missing-path"), StringComparison.Ordinal);
    }

    // ---- data ----

    private async Task<TestImage> PushImageAsync(string repository, string tag)
    {
        var image = new TestImage("ui-image");
        image.AddImage(new TestImageOptions { Tag = tag });
        await Registry.PushImageAsync(repository, image);
        return image;
    }

    /// <summary>A signature-like artifact whose subject is the image, with one annotation.</summary>
    private async Task<TestManifest> PushSignatureAsync(string repository, TestImage subject, string tag, string note, string hostileKey = "org.example.note")
    {
        var artifact = new TestImage("ui-signature-" + note);
        var annotations = new Dictionary<string, string>(StringComparer.Ordinal) { [hostileKey] = note };
        var manifest = artifact.AddImage(TestImages.Artifact(OciMediaTypes.ExampleArtifactA) with { Subject = subject.Root, Tag = tag, Annotations = annotations });
        await Registry.PushImageAsync(repository, artifact);
        return manifest;
    }

    /// <summary>The smallest manifest there is: an index of nothing, which needs no blobs.</summary>
    private async Task PushEmptyIndexAsync(string repository, string tag)
    {
        var index = new TestImage("ui-empty");
        index.AddIndex([], new TestImageOptions { Tag = tag });
        await Registry.PushImageAsync(repository, index);
    }

    // ---- pages ----

    private static string ManifestUrl(string repository, string? digest = null, string? tag = null)
        => digest is not null
            ? $"/registry/manifest?repository={Uri.EscapeDataString(repository)}&digest={Uri.EscapeDataString(digest)}"
            : $"/registry/manifest?repository={Uri.EscapeDataString(repository)}&tag={Uri.EscapeDataString(tag!)}";

    private async Task<(HttpStatusCode Status, string Html)> GetPageAsync(string url)
    {
        using var response = await server.Http.GetAsync(new Uri(url, UriKind.Relative));
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<string> FollowAsync(string html, string testId)
    {
        var href = Href(html, testId) ?? throw new InvalidOperationException($"the page has no {testId} link");
        var (status, next) = await GetPageAsync(href);
        Assert.Equal(HttpStatusCode.OK, status);
        return next;
    }

    /// <summary>The decoded href of the link with <paramref name="testId"/>, or null when there is none.</summary>
    private static string? Href(string html, string testId)
    {
        var match = Regex.Match(html, $"<a [^>]*href=\"(?<href>[^\"]*)\"[^>]*data-testid=\"{testId}\"");
        return match.Success ? WebUtility.HtmlDecode(match.Groups["href"].Value) : null;
    }

    /// <summary>The decoded text of the (leaf) element with <paramref name="testId"/>.</summary>
    private static string Text(string html, string testId)
    {
        var match = Regex.Match(html, $"data-testid=\"{testId}\"[^>]*>(?<text>[^<]*)<");
        Assert.True(match.Success, $"no element with data-testid=\"{testId}\"");
        return WebUtility.HtmlDecode(match.Groups["text"].Value);
    }

    /// <summary>The raw HTML of the element with <paramref name="testId"/> up to the end of its parent section.</summary>
    private static string Section(string html, string testId)
    {
        var start = html.IndexOf($"data-testid=\"{testId}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no element with data-testid=\"{testId}\"");
        var end = html.IndexOf("</section>", start, StringComparison.Ordinal);
        return html[start..end];
    }

    /// <summary>The body rows of the table with <paramref name="testId"/>.</summary>
    private static List<string> Rows(string html, string testId)
    {
        var table = Section(html, testId);
        var body = table[table.IndexOf("<tbody>", StringComparison.Ordinal)..table.IndexOf("</tbody>", StringComparison.Ordinal)];
        return [.. RowPattern().Matches(body).Select(m => m.Groups["row"].Value)];
    }

    /// <summary>The text of each cell, tags stripped, entities decoded, whitespace collapsed.</summary>
    private static List<string> Cells(string row)
        => [.. CellPattern().Matches(row).Select(m => WebUtility.HtmlDecode(Whitespace().Replace(TagPattern().Replace(m.Groups["cell"].Value, " "), " ").Trim()))];

    [GeneratedRegex("<tr>(?<row>.*?)</tr>", RegexOptions.Singleline)]
    private static partial Regex RowPattern();

    [GeneratedRegex("<t[dh][^>]*>(?<cell>.*?)</t[dh]>", RegexOptions.Singleline)]
    private static partial Regex CellPattern();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex TagPattern();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
