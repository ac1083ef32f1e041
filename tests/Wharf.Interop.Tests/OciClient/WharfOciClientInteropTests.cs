using System.Net;
using Wharf.Interop.Tests.Infrastructure;
using Wharf.Interop.Tests.Registry;
using Wharf.Oci;
using Wharf.Oci.Registry;
using Wharf.Server.Auth;

namespace Wharf.Interop.Tests.OciClient;

/// <summary>
/// The OCI client against Wharf on real Kestrel, through the Bearer token flow with a service account's token (the
/// client fetches registry tokens from <c>/auth/token</c> with Basic), and through a proxy that drops a connection.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed class WharfOciClientInteropTests(KestrelWharfFixture wharf) : OciClientInteropTests, IClassFixture<KestrelWharfFixture>
{
    private protected override string Host => wharf.Host;

    [Fact]
    public async Task ServiceAccountToken_OtherProject_RefusedAndNothingTagged()
    {
        var (_, credentials) = await NewNamespaceAsync();
        var (other, _) = await NewNamespaceAsync();
        var image = new RandomImage(5_000);
        using var client = Client(credentials);
        var target = ImageReference.Parse($"{Host}/{other}/app:v1");

        var refused = await Assert.ThrowsAsync<RegistryException>(
            () => client.PushAsync(target, image.Manifest, MediaTypes.OciManifest, image.Blobs, image.OpenAsync));

        Assert.True(refused.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden, refused.Message);
        Assert.Contains(other, refused.Message, StringComparison.Ordinal);
        using var admin = Client(Admin());
        var missing = await Assert.ThrowsAsync<RegistryException>(() => admin.ResolveAsync(target));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task ConnectionDroppedMidPatch_PushResumesAndFinishes()
    {
        var (ns, credentials) = await NewProjectAsync();
        var image = new RandomImage(400_000, 250_000);
        var port = new Uri($"http://{wharf.Host}").Port;
        await using var proxy = new CuttingTcpProxy(new IPEndPoint(IPAddress.Loopback, port), cutAfterBytes: 20_000);
        var target = ImageReference.Parse($"{proxy.Host}/{ns}/app:v1");
        using var client = Client(credentials with { Registry = proxy.Host }, maxConcurrentUploads: 2);
        var progress = new RecordingProgress();

        var digest = await client.PushAsync(target, image.Manifest, MediaTypes.OciManifest, image.Blobs, image.OpenAsync, progress: progress);

        Assert.Equal(1, proxy.Cuts);
        Assert.Equal(image.ManifestDigest, digest);
        Assert.All(progress.FinalStates(image.Blobs), s => Assert.Equal(TransferState.Done, s));
        // Seen by another client, straight at Wharf: the manifest as pushed, and every blob hashing right.
        var token = credentials.Password;
        var raw = await new Skopeo($"ci:{token}").InspectRawAsync($"docker://{wharf.Host}/{ns}/app:v1");
        Assert.Equal(image.Manifest, raw);
        using var direct = Client(credentials);
        await direct.PullAsync(ImageReference.Parse($"{wharf.Host}/{ns}/app:v1"), async (blob, stream, ct) =>
        {
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy, ct);
            Assert.Equal(image[blob.Digest], copy.ToArray());
        });
    }

    private protected override async Task<(string Namespace, IRegistryCredentialProvider? Credentials)> NewNamespaceAsync()
    {
        var (ns, credentials) = await NewProjectAsync();
        return (ns, credentials);
    }

    private async Task<(string Namespace, ServiceAccountCredentials Credentials)> NewProjectAsync()
    {
        var name = $"p{Guid.NewGuid():N}"[..12];
        var id = await wharf.CreateProjectAsync(name);
        var token = await wharf.CreateServiceAccountTokenAsync(id, "ci", ProjectRole.Developer);
        return (name, new ServiceAccountCredentials(wharf.Host, "ci", token.Secret));
    }

    private StaticCredentialProvider Admin() => new(wharf.Host, RegistryCredentials.Basic("admin", wharf.AdminToken));

    /// <summary>A service account's token, offered to one registry host (Wharf itself, or the proxy in front of it).</summary>
    private sealed record ServiceAccountCredentials(string Registry, string Username, string Password) : IRegistryCredentialProvider
    {
        public ValueTask<RegistryCredentials?> GetCredentialsAsync(string registry, CancellationToken cancellationToken = default)
            => ValueTask.FromResult(registry == Registry ? RegistryCredentials.Basic(Username, Password) : null);
    }
}
