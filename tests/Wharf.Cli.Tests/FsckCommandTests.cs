using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Wharf.Client;
using Wharf.Client.Registry;

namespace Wharf.Cli.Tests;

public sealed class FsckCommandTests
{
    [Fact]
    public async Task Fsck_CleanRegistry_ExitsZeroAndSaysSo()
    {
        await using var server = await LocalServer.StartAsync();
        await PushBlobAsync(server, "clean");

        var (exit, stdout, _) = await CliRun.RunAsync("fsck", "--verify", "--server", server.Address.ToString(), "--token", server.AdminToken);

        Assert.Equal(0, exit);
        Assert.Contains("checked 1 blobs (1 stored)", stdout, StringComparison.Ordinal);
        Assert.Contains("no problems found", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fsck_JsonFormat_PrintsOnlyTheReportOnStdout()
    {
        await using var server = await LocalServer.StartAsync();
        await PushBlobAsync(server, "json");

        var (exit, stdout, stderr) = await CliRun.RunAsync("fsck", "--verify", "--server", server.Address.ToString(), "--token", server.AdminToken, "--format", "json");

        Assert.Equal(0, exit);
        Assert.Equal(string.Empty, stderr);
        var report = JsonSerializer.Deserialize(stdout, WharfJsonContext.Default.RegistryCheckReport);
        Assert.NotNull(report);
        Assert.True(report.Verified);
        Assert.Empty(report.Problems);
        Assert.Equal(1, report.Checked.BlobFiles);
        Assert.True(report.Checked.BytesHashed >= 1000);
    }

    [Fact]
    public async Task Fsck_BlobBytesGone_ExitsOneAndListsTheProblem()
    {
        await using var server = await LocalServer.StartAsync();
        var digest = await PushBlobAsync(server, "gone");
        File.Delete(Path.Combine(server.DataDirectory, "blobs", "sha256", digest[7..9], digest[7..]));

        var (exit, stdout, _) = await CliRun.RunAsync("fsck", "--server", server.Address.ToString(), "--token", server.AdminToken);

        Assert.Equal(1, exit);
        Assert.Contains(RegistryProblemKinds.BlobMissing, stdout, StringComparison.Ordinal);
        Assert.Contains(digest, stdout, StringComparison.Ordinal);
        Assert.Contains("1 problem: 1 corruption, 0 orphan", stdout, StringComparison.Ordinal);
    }

    /// <summary>Pushes a 1000-byte blob with a monolithic upload and returns its digest.</summary>
    private static async Task<string> PushBlobAsync(LocalServer server, string label)
    {
        var content = new byte[1000];
        content.AsSpan().Fill((byte)label.Length);
        label.Select(c => (byte)c).ToArray().CopyTo(content, 0);
        var digest = $"sha256:{Convert.ToHexStringLower(SHA256.HashData(content))}";
        using var response = await server.Http.PostAsync(new Uri($"/v2/cli/app/blobs/uploads/?digest={digest}", UriKind.Relative), new ByteArrayContent(content));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return digest;
    }
}
