using Microsoft.Extensions.Options;
using Wharf.Serving.Hosting;
using Wharf.Serving.Sources;
using Wharf.Serving.Tests.Infrastructure;

namespace Wharf.Serving.Tests.Sources;

/// <summary>How a source string is read: kinds, default names and versions, and what is refused.</summary>
public sealed class ModelSourceSpecTests : IDisposable
{
    private readonly TempDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Theory]
    [InlineData("127.0.0.1:8080/ml/models/iris:v3", "iris", "3")]
    [InlineData("wharf.example/ml/models/iris:production", "iris", "1")]
    [InlineData("wharf.example/ml/models/iris@sha256:0000000000000000000000000000000000000000000000000000000000000000", "iris", "1")]
    [InlineData("localhost/iris", "iris", "1")]
    public void RegistryReference_NameFromLastSegmentVersionFromTag(string text, string name, string version)
    {
        Assert.True(ModelSourceSpec.TryParse(text, out var spec, out var error), error);
        Assert.Equal((ModelSourceKind.Registry, name, version), (spec.Kind, spec.DefaultName, spec.Version));
    }

    [Fact]
    public void OciLayout_DirectoryWithColonAndRef_SplitsAtTheExistingDirectory()
    {
        var layout = directory.Combine("lay:out");
        Directory.CreateDirectory(layout);

        Assert.True(ModelSourceSpec.TryParse($"oci:{layout}:models/wine:v12", out var spec, out _));
        Assert.Equal((ModelSourceKind.OciLayout, layout, "models/wine:v12", "wine", "12"), (spec.Kind, spec.Path, spec.LayoutRef, spec.DefaultName, spec.Version));
        Assert.True(ModelSourceSpec.TryParse($"oci:{layout}", out var whole, out _));
        Assert.Equal((layout, (string?)null, "lay:out", "1"), (whole.Path, whole.LayoutRef, whole.DefaultName, whole.Version));
    }

    [Fact]
    public void ExistingPath_IsLocalEvenWhenItLooksLikeAReference()
    {
        var path = directory.Combine("localhost", "iris");
        Directory.CreateDirectory(path);
        File.WriteAllText(directory.Combine("localhost", "iris", "oci-layout"), "{}");

        Assert.True(ModelSourceSpec.TryParse(path, out var spec, out _));
        Assert.Equal((ModelSourceKind.OciLayout, "iris"), (spec.Kind, spec.DefaultName));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("no/such/thing", "not an existing file or directory")]
    [InlineData("oci:", "names no layout directory")]
    [InlineData("oci:/tmp/x:../../etc", "not a valid OCI layout reference name")]
    public void Invalid_RefusedWithTheReason(string text, string reason)
    {
        Assert.False(ModelSourceSpec.TryParse(text, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_PathAndSourceTogetherOrTraversingFile_Refused()
    {
        var failures = ModelSourceSpec.Validate(3, new ServingModelOptions { Source = "localhost/iris", Path = "x.onnx", File = "../x.onnx" }).ToArray();

        Assert.Contains("Serving:Models:3 has both :Path and :Source; give one.", failures);
        Assert.Contains(failures, f => f.StartsWith("Serving:Models:3:File", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Credentials_UsernameAndPasswordOrTokenAlone()
    {
        var basic = new ServingOptions();
        basic.Registry.Username = "ci";
        basic.Registry.Password = "secret";
        var token = new ServingOptions();
        token.Registry.Password = "wharf_pat_x";

        var fromBasic = await new ServingRegistryCredentials(Options.Create(basic)).GetCredentialsAsync("r.example");
        var fromToken = await new ServingRegistryCredentials(Options.Create(token)).GetCredentialsAsync("r.example");

        Assert.Equal(("ci", "secret"), (fromBasic!.Username, fromBasic.Password));
        Assert.Equal("wharf_pat_x", fromToken!.Password);
    }
}
