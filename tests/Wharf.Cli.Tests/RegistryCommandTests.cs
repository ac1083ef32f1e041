using System.Text.Json;
using Wharf.Cli.Commands;
using Wharf.Client;

namespace Wharf.Cli.Tests;

/// <summary><c>wharf registry ls|tags|rm|gc</c> against a real server in this process, each test with its own.</summary>
public sealed class RegistryCommandTests
{
    [Fact]
    public async Task Ls_TextFormat_PrintsAlignedTableOfRepositories()
    {
        await using var server = await LocalServer.StartForRegistryAsync();
        await RegistryPush.ImageAsync(server.Http, "vision/resnet", "a", "v1", "v2");
        await RegistryPush.ImageAsync(server.Http, "nlp/tokenizers/bpe", "b", "latest");

        var (exit, stdout, stderr) = await server.RunAsync("registry", "ls");

        Assert.Equal(0, exit);
        Assert.Equal(string.Empty, stderr);
        var lines = Lines(stdout);
        Assert.Equal(3, lines.Length);
        var header = lines[0];
        Assert.StartsWith("NAME", header, StringComparison.Ordinal);
        Assert.StartsWith("nlp/tokenizers/bpe", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("vision/resnet", lines[2], StringComparison.Ordinal);
        // Columns line up under their headers: text starts where the header starts, numbers end where it ends.
        var project = header.IndexOf("PROJECT", StringComparison.Ordinal);
        var tagsEnd = header.IndexOf("TAGS", StringComparison.Ordinal) + "TAGS".Length;
        Assert.Equal("nlp ", lines[1][project..(project + 4)]);
        Assert.Equal("vision ", lines[2][project..(project + 7)]);
        Assert.Equal(" 1", lines[1][(tagsEnd - 2)..tagsEnd]);
        Assert.Equal(" 2", lines[2][(tagsEnd - 2)..tagsEnd]);
        Assert.Matches(@"\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$", lines[2]);
    }

    [Fact]
    public async Task Ls_JsonFormat_PrintsOnlyJsonWithEveryRepository()
    {
        await using var server = await LocalServer.StartForRegistryAsync();
        foreach (var name in new[] { "p/c", "p/a", "p/b" })
        {
            await RegistryPush.ImageAsync(server.Http, name, name, "v1");
        }

        var (exit, stdout, stderr) = await server.RunAsync("registry", "ls", "--format", "json");

        Assert.Equal(0, exit);
        Assert.Equal(string.Empty, stderr);
        var page = JsonSerializer.Deserialize(stdout, WharfJsonContext.Default.RepositoryPage);
        Assert.NotNull(page);
        Assert.Equal(["p/a", "p/b", "p/c"], page.Items.Select(r => r.Name));
        Assert.All(page.Items, r => Assert.Equal(("p", 1, 1), (r.Project, r.Tags, r.Manifests)));
        Assert.Null(page.Next);
    }

    [Fact]
    public async Task Ls_Limit_StopsEarlyAndSaysWhereToContinue()
    {
        await using var server = await LocalServer.StartForRegistryAsync();
        foreach (var name in new[] { "p/a", "p/b", "p/c" })
        {
            await RegistryPush.ImageAsync(server.Http, name, name, "v1");
        }

        var (exit, stdout, _) = await server.RunAsync("registry", "ls", "--limit", "2", "--format", "json");
        var (textExit, text, hint) = await server.RunAsync("registry", "ls", "--limit", "2");

        Assert.Equal(0, exit);
        var page = JsonSerializer.Deserialize(stdout, WharfJsonContext.Default.RepositoryPage)!;
        Assert.Equal(["p/a", "p/b"], page.Items.Select(r => r.Name));
        Assert.Equal("p/b", page.Next);
        Assert.Equal(0, textExit);
        Assert.Equal(3, Lines(text).Length);
        Assert.Contains("--limit", hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ls_EmptyRegistry_SaysSo()
    {
        await using var server = await LocalServer.StartForRegistryAsync();

        var (exit, stdout, _) = await server.RunAsync("registry", "ls");

        Assert.Equal(0, exit);
        Assert.Equal("No repositories.", stdout.Trim());
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-3")]
    public async Task Ls_LimitBelowOne_ExitsUsage(string limit)
    {
        var (exit, stdout, stderr) = await CliRun.RunAsync("registry", "ls", "--limit", limit, "--server", "http://127.0.0.1:1");

        Assert.Equal(2, exit);
        Assert.Equal(string.Empty, stdout);
        Assert.Contains("--limit", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tags_TextFormat_ShowsTagsWithShortDigestTypeAndSize()
    {
        await using var server = await LocalServer.StartForRegistryAsync();
        var (digest, _) = await RegistryPush.ImageAsync(server.Http, "vision/resnet", "a", "v2", "v1");

        var (exit, stdout, _) = await server.RunAsync("registry", "tags", "vision/resnet");
        var (_, whole, _) = await server.RunAsync("registry", "tags", "vision/resnet", "--no-trunc");

        Assert.Equal(0, exit);
        var lines = Lines(stdout);
        Assert.Equal(["TAG", "DIGEST", "TYPE", "SIZE", "UPDATED"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["v1", "v2"], lines[1..].Select(l => l.Split(' ')[0]));
        Assert.All(lines[1..], l => Assert.Contains($" {digest[..19]} ", l, StringComparison.Ordinal));
        Assert.All(lines[1..], l => Assert.Contains(" image ", l, StringComparison.Ordinal));
        Assert.DoesNotContain(digest, stdout, StringComparison.Ordinal);
        Assert.Contains(digest, whole, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tags_JsonFormat_PrintsOnlyJsonWithFullDigests()
    {
        await using var server = await LocalServer.StartForRegistryAsync();
        var (digest, _) = await RegistryPush.ImageAsync(server.Http, "vision/resnet", "a", "v1");

        var (exit, stdout, stderr) = await server.RunAsync("registry", "tags", "vision/resnet", "--format", "json");

        Assert.Equal(0, exit);
        Assert.Equal(string.Empty, stderr);
        var page = JsonSerializer.Deserialize(stdout, WharfJsonContext.Default.TagPage)!;
        Assert.Equal("vision/resnet", page.Repository);
        var tag = Assert.Single(page.Items);
        Assert.Equal(("v1", digest, RegistryPush.ManifestType), (tag.Name, tag.Digest, tag.MediaType));
    }

    [Fact]
    public async Task Tags_UnknownRepository_ExitsServerErrorWithItsMessage()
    {
        await using var server = await LocalServer.StartForRegistryAsync();

        var (exit, stdout, stderr) = await server.RunAsync("registry", "tags", "nobody/nothing", "--format", "json");

        Assert.Equal(1, exit);
        Assert.Equal(string.Empty, stdout);
        Assert.Contains("repository nobody/nothing does not exist", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rm_Tag_DeletesTheTagAndKeepsTheManifest()
    {
        await using var server = await LocalServer.StartForRegistryAsync();
        await RegistryPush.ImageAsync(server.Http, "vision/resnet", "a", "v1", "stable");
        var client = new WharfClient(server.Http);

        var (exit, stdout, _) = await server.RunAsync("registry", "rm", "vision/resnet:v1");

        Assert.Equal(0, exit);
        Assert.Equal("Deleted tag vision/resnet:v1.", stdout.Trim());
        var tags = await client.ListTagsAsync("vision/resnet");
        Assert.Equal(["stable"], tags.Items.Select(t => t.Name));
        var repository = Assert.Single((await client.ListRepositoriesAsync()).Items);
        Assert.Equal(1, repository.Manifests);
    }

    [Fact]
    public async Task Rm_DigestJson_DeletesTheManifestWithItsTags()
    {
        await using var server = await LocalServer.StartForRegistryAsync();
        var (digest, _) = await RegistryPush.ImageAsync(server.Http, "vision/resnet", "a", "v1", "stable");
        var client = new WharfClient(server.Http);

        var (exit, stdout, stderr) = await server.RunAsync("registry", "rm", $"vision/resnet@{digest}", "--format", "json");

        Assert.Equal(0, exit);
        Assert.Equal(string.Empty, stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal($"vision/resnet@{digest}", json.RootElement.GetProperty("deleted").GetString());
        Assert.Equal("manifest", json.RootElement.GetProperty("kind").GetString());
        Assert.Empty((await client.ListTagsAsync("vision/resnet")).Items);
        Assert.Equal(0, Assert.Single((await client.ListRepositoriesAsync()).Items).Manifests);
    }

    [Theory]
    [InlineData("vision/resnet:nope", "vision/resnet:nope does not exist")]
    [InlineData("vision/resnet@sha256:0000000000000000000000000000000000000000000000000000000000000000", "does not exist")]
    [InlineData("nobody/nothing:v1", "repository nobody/nothing does not exist")]
    [InlineData("Vision/ResNet:v1", "repository name 'Vision/ResNet' is invalid")]
    public async Task Rm_NothingThere_ExitsServerErrorWithItsMessage(string reference, string message)
    {
        await using var server = await LocalServer.StartForRegistryAsync();
        await RegistryPush.ImageAsync(server.Http, "vision/resnet", "a", "v1");

        var (exit, stdout, stderr) = await server.RunAsync("registry", "rm", reference);

        Assert.Equal(1, exit);
        Assert.Equal(string.Empty, stdout);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
    }

    /// <summary>Nothing listens on the server address: a request would exit 3, so exit 2 proves none was made.</summary>
    [Theory]
    [InlineData("vision/resnet", "names no tag or digest")]
    [InlineData("vision/resnet:", "names no tag or digest")]
    [InlineData("resnet:v1", "names no project")]
    [InlineData("vision/resnet@sha256:abc", "invalid digest")]
    [InlineData("vision/resnet@latest", "invalid digest")]
    public async Task Rm_MalformedReference_ExitsUsageWithoutAsking(string reference, string message)
    {
        var (exit, stdout, stderr) = await CliRun.RunAsync("registry", "rm", reference, "--server", "http://127.0.0.1:1");

        Assert.Equal(2, exit);
        Assert.Equal(string.Empty, stdout);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gc_AfterManifestDeleted_ReportsBlobsAndBytesSwept()
    {
        await using var server = await LocalServer.StartForRegistryAsync();
        var (digest, blobBytes) = await RegistryPush.ImageAsync(server.Http, "vision/resnet", "gone", "v1");
        await RegistryPush.ImageAsync(server.Http, "vision/resnet", "kept", "v2");
        Assert.Equal(0, (await server.RunAsync("registry", "rm", $"vision/resnet@{digest}")).ExitCode);

        var (exit, stdout, stderr) = await server.RunAsync("registry", "gc", "--format", "json");
        var (againExit, again, _) = await server.RunAsync("registry", "gc");

        Assert.Equal(0, exit);
        Assert.Equal(string.Empty, stderr);
        var result = JsonSerializer.Deserialize(stdout, WharfJsonContext.Default.GarbageCollectionResult)!;
        Assert.Equal((2, 2, blobBytes), (result.BlobLinksDeleted, result.BlobsDeleted, result.BytesFreed));
        // A second run finds nothing left, and says so as a table.
        Assert.Equal(0, againExit);
        var lines = Lines(again);
        Assert.Equal(["SWEPT", "COUNT"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["blobs", "0"], lines.Single(l => l.StartsWith("blobs ", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("Freed 0 B (0 bytes) in ", lines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAllAsync_ServerCapsPages_FollowsNextUntilTheEnd()
    {
        string[] all = ["a", "b", "c", "d", "e"];
        var asked = new List<(string? Last, int Count)>();

        var (items, next) = await RegistryPaging.ReadAllAsync<string>(
            (last, count) =>
            {
                asked.Add((last, count));
                // Like the API: at most two per page whatever was asked, and the last name as the cursor.
                var page = all.Where(x => last is null || string.CompareOrdinal(x, last) > 0).Take(Math.Min(count, 2)).ToList();
                return Task.FromResult<(IReadOnlyList<string>, string?)>((page, page[^1] == all[^1] ? null : page[^1]));
            },
            limit: null);

        Assert.Equal(all, items);
        Assert.Null(next);
        Assert.Equal([null, "b", "d"], asked.Select(a => a.Last));
    }

    [Fact]
    public async Task ReadAllAsync_Limit_AsksOnlyForWhatIsMissingAndReturnsTheCursor()
    {
        string[] all = ["a", "b", "c", "d", "e"];
        var asked = new List<(string? Last, int Count)>();

        var (items, next) = await RegistryPaging.ReadAllAsync<string>(
            (last, count) =>
            {
                asked.Add((last, count));
                var page = all.Where(x => last is null || string.CompareOrdinal(x, last) > 0).Take(Math.Min(count, 2)).ToList();
                return Task.FromResult<(IReadOnlyList<string>, string?)>((page, page[^1] == all[^1] ? null : page[^1]));
            },
            limit: 3);

        Assert.Equal(["a", "b", "c"], items);
        Assert.Equal("c", next);
        Assert.Equal([(null, 3), ("b", 1)], asked);
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
