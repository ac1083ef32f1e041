using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Wharf.Server.Tests.Infrastructure;

namespace Wharf.Server.Tests.Ui;

/// <summary>
/// The run page's artifact browser as HTML, rendered in process against real SQLite with files uploaded through the
/// MLflow artifact proxy: directories by <c>?path=</c>, previews of text (bounded to 64 KiB) and images, and hostile
/// paths answered with a clear error on the page, never a 500.
/// </summary>
public sealed partial class ArtifactBrowserPageTests
{
    private static readonly Dictionary<string, string> NoParams = [];

    [GeneratedRegex("<pre [^>]*data-testid=\"preview-text\"[^>]*>([^<]*)</pre>")]
    private static partial Regex PreviewText();

    [GeneratedRegex("data-testid=\"artifact-error\">([^<]*)<")]
    private static partial Regex ArtifactError();

    [GeneratedRegex("class=\"artifact-name\"[^>]*>([^<]*)</a>")]
    private static partial Regex EntryName();

    private sealed record SeededRun(string ExperimentId, string RunId)
    {
        public string Download(string path) =>
            $"/api/2.0/mlflow-artifacts/artifacts/{ExperimentId}/{RunId}/artifacts/{string.Join('/', path.Split('/').Select(Uri.EscapeDataString))}";

        public Uri Page(string? rawQuery = null) => new(rawQuery is null ? $"/runs/{RunId}" : $"/runs/{RunId}?{rawQuery}", UriKind.Relative);
    }

    private static async Task<SeededRun> SeedRunAsync(HttpClient client, params (string Path, byte[] Content)[] files)
    {
        var seed = new TrackingSeed(client);
        await seed.CreateProjectAsync("ml");
        var experimentId = await seed.CreateExperimentAsync("ml/files");
        var runId = await seed.CreateRunAsync(experimentId, "files", NoParams, new Dictionary<string, double>());
        var run = new SeededRun(experimentId, runId);
        foreach (var (path, content) in files)
        {
            using var put = await client.PutAsync(new Uri(run.Download(path), UriKind.Relative), new ByteArrayContent(content));
            Assert.True(put.IsSuccessStatusCode, $"upload of {path} answered {(int)put.StatusCode}");
        }

        return run;
    }

    private static async Task<(HttpStatusCode Status, string Html)> GetAsync(HttpClient client, Uri uri)
    {
        using var response = await client.GetAsync(uri);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task RunPage_Root_ListsDirectoriesAndFiles_DirectoryLinksDeeperAndFileLinksDownload()
    {
        using var factory = new WharfFactory();
        using var client = factory.CreateClient();
        var run = await SeedRunAsync(client,
            ("model/my model.onnx", new byte[1234]), ("model/conf/MLmodel", "flavors: {}\n"u8.ToArray()), ("notes.txt", "hello"u8.ToArray()));

        var (rootStatus, root) = await GetAsync(client, run.Page());
        var (status, model) = await GetAsync(client, run.Page("path=model"));

        Assert.Equal(HttpStatusCode.OK, rootStatus);
        Assert.Equal(["model/", "notes.txt"], EntryName().Matches(root).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)));
        Assert.Contains($"href=\"/runs/{run.RunId}?path=model#artifacts\"", root, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["conf/", "my model.onnx"], EntryName().Matches(model).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)));
        Assert.Contains($"href=\"/runs/{run.RunId}?path=model/conf#artifacts\"", model, StringComparison.Ordinal);
        Assert.Contains($"href=\"{run.Download("model/my model.onnx")}\"", model, StringComparison.Ordinal);
        // The breadcrumb leads back to the root.
        Assert.Matches($"data-testid=\"artifact-breadcrumbs\">\\s*<a href=\"/runs/{run.RunId}#artifacts\">artifacts</a>", model);
        Assert.Equal(1234, (await client.GetByteArrayAsync(new Uri(run.Download("model/my model.onnx"), UriKind.Relative))).Length);
    }

    [Fact]
    public async Task RunPage_TextFile_PreviewedInPreBesideItsDirectory()
    {
        using var factory = new WharfFactory();
        using var client = factory.CreateClient();
        var run = await SeedRunAsync(client, ("model/conf/MLmodel", "flavors:\n  python_function: {}\n<script>x</script>"u8.ToArray()), ("model/w.bin", [1, 2]));

        var (status, html) = await GetAsync(client, run.Page("path=model/conf/MLmodel"));

        Assert.Equal(HttpStatusCode.OK, status);
        var text = PreviewText().Match(html);
        Assert.True(text.Success, html);
        Assert.Equal("flavors:\n  python_function: {}\n<script>x</script>", WebUtility.HtmlDecode(text.Groups[1].Value));
        Assert.DoesNotContain("<script>x</script>", html, StringComparison.Ordinal); // encoded, not markup
        Assert.Equal(["MLmodel"], EntryName().Matches(html).Select(m => m.Groups[1].Value)); // the listing of its directory
        Assert.Contains("class=\"artifact-name\" aria-current=\"true\">MLmodel</a>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("data-testid=\"preview-truncated\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunPage_LargeLog_ShowsOnlyFirst64KiBAndSaysOfHowMuch()
    {
        using var factory = new WharfFactory();
        using var client = factory.CreateClient();
        // 200,000 bytes: lines of ASCII, with a two-byte character straddling the 64 KiB boundary.
        var content = new byte[200_000];
        Array.Fill(content, (byte)'a');
        for (var i = 99; i < content.Length; i += 100)
        {
            content[i] = (byte)'\n';
        }

        "é"u8.CopyTo(content.AsSpan(65535));
        var run = await SeedRunAsync(client, ("train.log", content));

        var (status, html) = await GetAsync(client, run.Page("path=train.log"));

        Assert.Equal(HttpStatusCode.OK, status);
        var shown = WebUtility.HtmlDecode(PreviewText().Match(html).Groups[1].Value);
        Assert.Equal(65535, shown.Length); // the cut character is left out, not shown as garbage
        Assert.Equal(Encoding.ASCII.GetString(content, 0, 65535), shown);
        Assert.Contains("Showing first 64 KiB of 195.3 KiB (200,000 bytes)", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("data.bin", new byte[] { 0x68, 0x69, 0x00, 0x01 }, "preview-none")]
    [InlineData("README", new byte[] { 0x68, 0xC3, 0xA9, 0x0A }, "preview-text")] // small, valid UTF-8: text
    [InlineData("blob.dat", new byte[] { 0x68, 0xC3, 0x28 }, "preview-none")] // invalid UTF-8
    [InlineData("plot.png", new byte[] { 0x89, 0x50 }, "preview-image")]
    [InlineData("chart.svg", new byte[] { 0x3C, 0x73 }, "preview-image")]
    public async Task RunPage_FileKinds_PreviewedByExtensionOrContent(string path, byte[] content, string testId)
    {
        using var factory = new WharfFactory();
        using var client = factory.CreateClient();
        var run = await SeedRunAsync(client, (path, content));

        var (status, html) = await GetAsync(client, run.Page($"path={path}"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains($"data-testid=\"{testId}\"", html, StringComparison.Ordinal);
        Assert.Contains($"href=\"{run.Download(path)}\" download data-testid=\"artifact-download\"", html, StringComparison.Ordinal);
        if (testId == "preview-image")
        {
            Assert.Contains($"src=\"{run.Download(path)}\"", html, StringComparison.Ordinal);
        }
    }

    public static TheoryData<string, string> HostilePaths => new()
    {
        { "path=..", "'.' or '..'" },
        { "path=../other", "'.' or '..'" },
        { "path=model/../../x", "'.' or '..'" },
        { "path=%2e%2e%2fsecret", "'.' or '..'" },
        { "path=%252e%252e%252fsecret", "'.' or '..'" },
        { "path=/etc/passwd", "relative" },
        { "path=%2Fetc%2Fpasswd", "relative" },
        { "path=C:/Windows/win.ini", "relative" },
        { "path=notes.txt%00.png", "NUL" },
        { "path=model%5C..%5Cx", "backslash" },
        { "path=model//x", "empty segments" },
    };

    [Theory]
    [MemberData(nameof(HostilePaths))]
    public async Task RunPage_HostilePath_400WithClearErrorAndTheRootListed(string query, string reason)
    {
        using var factory = new WharfFactory();
        using var client = factory.CreateClient();
        var run = await SeedRunAsync(client, ("notes.txt", "hello"u8.ToArray()));

        var (status, html) = await GetAsync(client, run.Page(query));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var error = ArtifactError().Match(html);
        Assert.True(error.Success, html);
        Assert.Contains("Invalid artifact path", WebUtility.HtmlDecode(error.Groups[1].Value), StringComparison.Ordinal);
        Assert.Contains(reason, WebUtility.HtmlDecode(error.Groups[1].Value), StringComparison.Ordinal);
        Assert.Equal(["notes.txt"], EntryName().Matches(html).Select(m => m.Groups[1].Value));
        Assert.DoesNotContain("data-testid=\"artifact-preview\"", html, StringComparison.Ordinal);
        Assert.Contains("<h1>files</h1>", html, StringComparison.Ordinal); // the rest of the run page is still there
    }

    [Fact]
    public async Task RunPage_PathNamingNothing_SaysSoOnThePage_AndAnotherRunsFileIsNotReachable()
    {
        using var factory = new WharfFactory();
        using var client = factory.CreateClient();
        var run = await SeedRunAsync(client, ("notes.txt", "hello"u8.ToArray()));
        var seed = new TrackingSeed(client);
        var other = await seed.CreateRunAsync(run.ExperimentId, "other", NoParams, new Dictionary<string, double>());
        using (var put = await client.PutAsync(
            new Uri($"/api/2.0/mlflow-artifacts/artifacts/{run.ExperimentId}/{other}/artifacts/secret.txt", UriKind.Relative), new ByteArrayContent("s3cret"u8.ToArray())))
        {
            Assert.True(put.IsSuccessStatusCode);
        }

        var (missingStatus, missing) = await GetAsync(client, run.Page("path=nope/x.txt"));
        var (otherStatus, otherHtml) = await GetAsync(client, run.Page("path=secret.txt"));

        Assert.Equal(HttpStatusCode.OK, missingStatus);
        Assert.Contains("This run has no artifact file or directory 'nope/x.txt'.", WebUtility.HtmlDecode(ArtifactError().Match(missing).Groups[1].Value), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, otherStatus);
        Assert.Contains("data-testid=\"artifact-error\"", otherHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", otherHtml, StringComparison.Ordinal);
        Assert.Equal(["notes.txt"], EntryName().Matches(otherHtml).Select(m => m.Groups[1].Value));
    }

    [Theory]
    [InlineData("path=%FF%FE")] // not UTF-8: decoded to U+FFFD, names nothing
    [InlineData("path=%C0%AE%C0%AE/x")] // overlong UTF-8 for '..'
    [InlineData("path=notes.txt&path=../x")] // repeated
    public async Task RunPage_UndecodableOrRepeatedPath_NeverAServerError(string query)
    {
        using var factory = new WharfFactory();
        using var client = factory.CreateClient();
        var run = await SeedRunAsync(client, ("notes.txt", "hello"u8.ToArray()));

        var (status, html) = await GetAsync(client, run.Page(query));

        Assert.True(status is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"{(int)status}: {html}");
        Assert.Contains("<h1>files</h1>", html, StringComparison.Ordinal);
        Assert.Equal(["notes.txt"], EntryName().Matches(html).Select(m => m.Groups[1].Value));
    }

    [Fact]
    public async Task Download_Svg_IsAnAttachmentUnderASandboxPolicy_AndHtmlIsServedAsText()
    {
        using var factory = new WharfFactory();
        using var client = factory.CreateClient();
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"><script>alert(2)</script></svg>"u8.ToArray();
        var run = await SeedRunAsync(client, ("plots/x.svg", svg), ("report.html", "<script>alert(3)</script>"u8.ToArray()));

        using var svgResponse = await client.GetAsync(new Uri(run.Download("plots/x.svg"), UriKind.Relative));
        using var htmlResponse = await client.GetAsync(new Uri(run.Download("report.html"), UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, svgResponse.StatusCode);
        Assert.Equal("image/svg+xml", svgResponse.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", svgResponse.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("x.svg", svgResponse.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.StartsWith("sandbox", svgResponse.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("nosniff", svgResponse.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal(svg, await svgResponse.Content.ReadAsByteArrayAsync());
        Assert.Equal("text/plain", htmlResponse.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("sandbox", htmlResponse.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }
}
