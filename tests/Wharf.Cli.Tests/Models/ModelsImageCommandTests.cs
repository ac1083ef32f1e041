using System.Text.Json;
using Wharf.Client;

namespace Wharf.Cli.Tests.Models;

/// <summary><c>wharf project image-builds</c> and <c>wharf models image</c> end to end against a real server on loopback.</summary>
public sealed class ModelsImageCommandTests : IDisposable
{
    private readonly string _work = Path.Combine(Path.GetTempPath(), $"wharf-images-{Guid.NewGuid():N}");

    public ModelsImageCommandTests() => Directory.CreateDirectory(_work);

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task ImageBuilds_EnableShowDisable_AndVersionImageStatus()
    {
        await using var server = await LocalServer.StartAsync("--Wharf:Images:PollInterval=00:00:00");
        await Ok(server, "project", "create", "ml");
        await RegistryPush.ImageAsync(server.Http, "ml/base", "base", "1");
        var run = await RunWithFileAsync(server, "model/weights.bin", [1, 2, 3]);
        await Ok(server, "models", "create", "ml/iris");
        await Ok(server, "models", "register", $"{run}/model", "--name", "ml/iris");

        var off = await Ok(server, "project", "image-builds", "ml");
        var unknown = await server.RunAsync("project", "image-builds", "ml", "--enable", "--base", "ml/nothing:1");
        var external = await server.RunAsync("project", "image-builds", "ml", "--enable", "--base", "docker.io/library/debian:12");
        var on = JsonSerializer.Deserialize(await Ok(server, "project", "image-builds", "ml", "--enable", "--base", "ml/base:1", "--format", "json"),
            WharfJsonContext.Default.ModelImageSettings)!;
        var none = await server.RunAsync("models", "image", "ml/iris@1");
        var queued = await Ok(server, "models", "image", "ml/iris@1", "--rebuild");
        var shown = JsonSerializer.Deserialize(await Ok(server, "models", "image", "ml/iris@v1", "--format", "json"), WharfJsonContext.Default.ModelImageBuildInfo)!;
        var disabled = await Ok(server, "project", "image-builds", "ml", "--disable");

        Assert.Contains("Image builds:  disabled", off, StringComparison.Ordinal);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("does not exist in Wharf's registry", unknown.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, external.ExitCode);
        Assert.Contains("names a registry host", external.Stderr, StringComparison.Ordinal);
        Assert.True(on.Enabled);
        Assert.Equal("ml/base:1", on.BaseImage);
        Assert.Equal(1, none.ExitCode);
        Assert.Contains("has no image build", none.Stderr, StringComparison.Ordinal);
        Assert.Contains("/ml/images/iris:v1", queued, StringComparison.Ordinal);
        Assert.Contains("Status:   PENDING", queued, StringComparison.Ordinal);
        Assert.EndsWith("/ml/images/iris:v1", shown.Reference, StringComparison.Ordinal);
        Assert.Contains("Image builds:  disabled", disabled, StringComparison.Ordinal);
        Assert.Contains("Base image:    ml/base:1", disabled, StringComparison.Ordinal);
    }

    private static async Task<string> Ok(LocalServer server, params string[] args)
    {
        var (exit, stdout, stderr) = await server.RunAsync(args);
        Assert.True(exit == 0, $"wharf {string.Join(' ', args)} exited {exit}: {stderr}");
        return stdout;
    }

    private async Task<string> RunWithFileAsync(LocalServer server, string path, byte[] content)
    {
        await Ok(server, "experiments", "create", "ml/e");
        var run = (await Ok(server, "runs", "create", "--experiment", "ml/e")).Trim();
        var local = Path.Combine(_work, "upload");
        await File.WriteAllBytesAsync(local, content);
        await Ok(server, "artifacts", "put", run, local, "--path", path);
        return run;
    }
}
