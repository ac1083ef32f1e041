using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Wharf.Interop.Tests.Infrastructure;
using Wharf.Interop.Tests.OciClient;
using Wharf.Interop.Tests.Registry;
using Wharf.Oci;
using Wharf.Oci.Layout;
using Wharf.Oci.Registry;
using Wharf.Server.Auth;
using Wharf.TestModels;
using Xunit.Abstractions;

namespace Wharf.Interop.Tests.Images;

/// <summary>
/// A model image end to end with real parts only: the iris image built with the library (base made on this machine,
/// runtime layer, model layer), pushed into Wharf on Kestrel with a service account's token, pulled by real podman
/// (runc) and run; its <c>/v2/models/iris/infer</c> answers the classes ML.NET predicted. Plus what makes builds
/// cheap: the same inputs give the same digest, a new model uploads only its layer and the config, an unchanged
/// rebuild uploads nothing.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed class ModelImageEndToEndTests(KestrelWharfFixture wharf, ModelImageFixture images, ITestOutputHelper output)
    : IClassFixture<KestrelWharfFixture>, IClassFixture<ModelImageFixture>
{
    // A safety net for a container that never gets ready, not a timing assertion: the server is ready in about a second.
    private static readonly TimeSpan ReadyPatience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task IrisImage_PushedToWharfPulledAndRunByPodman_PredictsAsMlNet()
    {
        var (project, account, token) = await NewProjectAsync();
        var reference = $"{wharf.Host}/{project}/images/iris:v1";
        using (var client = Client(account, token))
        {
            var pushed = await images.TimeAsync("push iris v1 to Wharf (RegistryClient)", async () =>
                await IrisImage.PushAsync(client, images.Layout, ModelImageFixture.V1Tag, ImageReference.Parse(reference)));
            Assert.Equal(images.V1.Manifest.Digest, pushed);
        }

        await using var podman = new PodmanSandbox($"{account}:{token}");
        await images.TimeAsync("podman pull from Wharf", async () => await podman.PullAsync(reference));
        var inspected = (await podman.RunAsync("image", "inspect", "--format", "{{.Digest}} {{.User}} {{json .Config.Entrypoint}}", reference)).EnsureSuccess().Stdout.Trim();
        var port = FreePort.Next();
        var name = $"wharf-iris-{Guid.NewGuid():N}"[..24];
        try
        {
            // Host networking: no bridge or firewall rules on a shared machine; the server binds loopback on a free port.
            (await podman.RunAsync(["run", "-d", "--name", name, "--network", "host", reference, .. IrisImage.ServeArguments("127.0.0.1", port)])).EnsureSuccess();
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(10) };
            await images.TimeAsync("container start to /v2/health/ready", async () => await WaitReadyAsync(http, podman, name));
            var predicted = await InferAsync(http, images.Test);

            Assert.Equal($"{images.V1.Manifest.Digest} {MinimalBaseImage.UserName} [\"{IrisImage.RuntimeDirectory}/wharf-serve\"]", inspected);
            Assert.Equal(images.ExpectedV1, predicted);
            var accuracy = (double)predicted.Zip(images.Test.ToLabels()).Count(p => p.First == p.Second) / predicted.Count;
            Assert.True(accuracy >= 0.9, $"accuracy {accuracy} on the held-out split");
            // The server runs as the image's non-root user.
            var top = (await podman.RunAsync("top", name, "user", "comm")).EnsureSuccess().Stdout;
            Assert.Contains(MinimalBaseImage.UserName, top, StringComparison.Ordinal);
        }
        finally
        {
            await podman.RunAsync("rm", "--force", "--time", "2", name);
            output.WriteLine(images.Timings);
        }
    }

    [Fact]
    public async Task IrisImage_BuiltAgainFromTheSameInputs_HasTheSameManifestDigest()
    {
        using var fresh = new TempDirectory("wi-mimg2");
        var layout = await OciImageLayout.CreateAsync(fresh.Path);

        // No layer cache and an empty layout: every layer is written again from the files.
        var again = await images.TimeAsync("build iris v1 again into an empty layout, no cache", async () =>
            await IrisImage.BuildAsync(images.BaseLayout, images.RuntimeDirectory, images.ModelV1, 1, layout, "again"));

        Assert.Equal(images.V1.Manifest, again.Manifest);
        Assert.Equal(images.V1.Layers.Select(l => (l.Descriptor, l.DiffId)), again.Layers.Select(l => (l.Descriptor, l.DiffId)));
        Assert.All(again.Layers.Skip(1), l => Assert.True(l.Written));
        var config = JsonDocument.Parse(await layout.ReadSmallBlobAsync(again.Config)).RootElement;
        Assert.Equal("linux", config.GetProperty("os").GetString());
        Assert.Equal("amd64", config.GetProperty("architecture").GetString());
        Assert.Equal("1970-01-01T00:00:00Z", config.GetProperty("created").GetString());
        Assert.Equal(["8000/tcp"], config.GetProperty("config").GetProperty("ExposedPorts").EnumerateObject().Select(p => p.Name));
        Assert.Equal(IrisImage.ServeArguments(), config.GetProperty("config").GetProperty("Cmd").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal("iris", config.GetProperty("config").GetProperty("Labels").GetProperty("wharf.model.name").GetString());
        var model = again.Layers[^1];
        Assert.Equal(MediaTypes.OciLayerTar, model.Descriptor.MediaType);
        Assert.Equal(model.DiffId, model.Descriptor.Digest);
        output.WriteLine(images.Timings);
    }

    [Fact]
    public async Task IrisImage_RebuiltWithANewModelVersion_PushUploadsOnlyTheModelLayerAndConfig()
    {
        var (project, account, token) = await NewProjectAsync();
        using var client = Client(account, token);
        var repository = $"{wharf.Host}/{project}/images/iris";
        await IrisImage.PushAsync(client, images.Layout, ModelImageFixture.V1Tag, ImageReference.Parse($"{repository}:v1"));
        var tag = $"iris-v2-{Guid.NewGuid():N}"[..20];

        var v2 = await images.TimeAsync("rebuild with model v2 (warm: runtime layer from the cache)", async () =>
            await IrisImage.BuildAsync(images.BaseLayout, images.RuntimeDirectory, images.ModelV2, 2, images.Layout, tag, images.Cache));
        var progress = new RecordingProgress();
        var digest = await IrisImage.PushAsync(client, images.Layout, tag, ImageReference.Parse($"{repository}:v2"), progress);

        var uploaded = progress.Reports.Where(r => r.State == TransferState.Uploading).Select(r => r.Digest.ToString()).Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.Equal(v2.Manifest.Digest, digest);
        Assert.NotEqual(images.V1.Manifest.Digest, v2.Manifest.Digest);
        Assert.Equal(images.V1.Layers.SkipLast(1).Select(l => l.Descriptor), v2.Layers.SkipLast(1).Select(l => l.Descriptor));
        Assert.True(v2.Layers[1].FromCache, "the runtime layer was rebuilt although its files did not change");
        Assert.Equal(new[] { v2.Layers[^1].Descriptor.Digest.ToString(), v2.Config.Digest.ToString() }.Order(StringComparer.Ordinal), uploaded);
        Assert.Equal(v2.Layers[^1].Descriptor.Size + v2.Config.Size, progress.UploadedBytes);
        output.WriteLine($"v2 push uploaded {progress.UploadedBytes} blob bytes of an image of {v2.ImageSize}");
        output.WriteLine(images.Timings);
    }

    [Fact]
    public async Task IrisImage_RebuiltUnchangedAndPushedAgain_UploadsNoBlobBytes()
    {
        var (project, account, token) = await NewProjectAsync();
        using var client = Client(account, token);
        var target = ImageReference.Parse($"{wharf.Host}/{project}/images/iris:v1");
        await IrisImage.PushAsync(client, images.Layout, ModelImageFixture.V1Tag, target);
        var tag = $"iris-v1-{Guid.NewGuid():N}"[..20];

        var rebuilt = await images.TimeAsync("rebuild unchanged (warm)", async () =>
            await IrisImage.BuildAsync(images.BaseLayout, images.RuntimeDirectory, images.ModelV1, 1, images.Layout, tag, images.Cache));
        var progress = new RecordingProgress();
        var digest = await IrisImage.PushAsync(client, images.Layout, tag, target, progress);

        Assert.Equal(images.V1.Manifest.Digest, rebuilt.Manifest.Digest);
        Assert.Equal(images.V1.Manifest.Digest, digest);
        Assert.Equal(0, rebuilt.Layers.Sum(l => l.BytesWritten) + rebuilt.ConfigBytesWritten);
        Assert.Equal(0, progress.UploadedBytes);
        output.WriteLine(images.Timings);
    }

    private async Task<(string Project, string Account, string Token)> NewProjectAsync()
    {
        var project = $"p{Guid.NewGuid():N}"[..12];
        var id = await wharf.CreateProjectAsync(project);
        var token = await wharf.CreateServiceAccountTokenAsync(id, "ci", ProjectRole.Developer);
        return (project, "ci", token.Secret);
    }

    private RegistryClient Client(string account, string token) => new(new RegistryClientOptions
    {
        PlainHttp = true,
        Credentials = new StaticCredentialProvider(wharf.Host, RegistryCredentials.Basic(account, token)),
    });

    private static async Task<string?> WaitReadyAsync(HttpClient http, PodmanSandbox podman, string container)
    {
        var deadline = DateTime.UtcNow + ReadyPatience;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var response = await http.GetAsync("v2/health/ready");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return null;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            var state = (await podman.RunAsync("inspect", "--format", "{{.State.Status}}", container)).Stdout.Trim();
            if (state is "exited" or "stopped")
            {
                var logs = await podman.RunAsync("logs", container);
                throw new InvalidOperationException($"the container {state} before it was ready:\n{logs.Stdout}\n{logs.Stderr}");
            }

            await Task.Delay(200);
        }

        var tail = await podman.RunAsync("logs", container);
        throw new InvalidOperationException($"the container was not ready within {ReadyPatience}:\n{tail.Stdout}\n{tail.Stderr}");
    }

    /// <summary>POSTs the rows as one FP32 [n, 4] tensor; returns the <c>label</c> output.</summary>
    private static async Task<IReadOnlyList<int>> InferAsync(HttpClient http, IrisData rows)
    {
        var data = string.Join(',', rows.ToFeatureMatrix().Select(f => f.ToString("R", CultureInfo.InvariantCulture)));
        var body = $$"""{"inputs":[{"name":"{{OnnxModelWriter.InputName}}","datatype":"FP32","shape":[{{rows.Count}},{{IrisData.FeatureCount}}],"data":[{{data}}]}]}""";
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await http.PostAsync($"v2/models/{IrisImage.ModelName}/infer", content);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"infer answered {(int)response.StatusCode}: {text}");
        using var json = JsonDocument.Parse(text);
        var label = json.RootElement.GetProperty("outputs").EnumerateArray().Single(o => o.GetProperty("name").GetString() == OnnxModelWriter.LabelName);
        Assert.Equal("INT64", label.GetProperty("datatype").GetString());
        return [.. label.GetProperty("data").EnumerateArray().Select(v => (int)v.GetInt64())];
    }
}
