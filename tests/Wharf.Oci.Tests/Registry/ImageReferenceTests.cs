using Wharf.Oci.Registry;

namespace Wharf.Oci.Tests.Registry;

public sealed class ImageReferenceTests
{
    private const string Sha = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Theory]
    [InlineData("127.0.0.1:5000/p/app:v1", "127.0.0.1:5000", "p/app", "v1", null, "v1")]
    [InlineData("registry.example.com/a/b/c", "registry.example.com", "a/b/c", null, null, "latest")]
    [InlineData("localhost/app@" + Sha, "localhost", "app", null, Sha, Sha)]
    [InlineData("localhost:5000/my_app.x-y:Tag_1.0@" + Sha, "localhost:5000", "my_app.x-y", "Tag_1.0", Sha, Sha)]
    [InlineData("[::1]:5000/a__b/c--d:1", "[::1]:5000", "a__b/c--d", "1", null, "1")]
    public void Parse_Valid_SplitsParts(string text, string registry, string repository, string? tag, string? digest, string reference)
    {
        var parsed = ImageReference.Parse(text);

        Assert.Equal(registry, parsed.Registry);
        Assert.Equal(repository, parsed.Repository);
        Assert.Equal(tag, parsed.Tag);
        Assert.Equal(digest, parsed.Digest?.ToString());
        Assert.Equal(reference, parsed.Reference);
        Assert.Equal(text, parsed.ToString());
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData("app:v1", "registry host")]
    [InlineData("library/app:v1", "not a registry host")]
    [InlineData("localhost/App:v1", "lowercase")]
    [InlineData("localhost/p/../app", "invalid")]
    [InlineData("localhost/p/./app", "invalid")]
    [InlineData("localhost/p//app", "invalid")]
    [InlineData("localhost/p/app/", "invalid")]
    [InlineData("localhost/", "empty")]
    [InlineData("localhost/app@sha256:abc", "invalid digest")]
    [InlineData("localhost/app@md5:0123456789abcdef0123456789abcdef", "invalid digest")]
    [InlineData("localhost/app@SHA256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "invalid digest")]
    [InlineData("localhost/app:.hidden", "tag")]
    [InlineData("localhost/app:a/b", "invalid")]
    [InlineData("localhost/app:", "tag")]
    [InlineData("bad host:5000/app", "not a registry host")]
    [InlineData("localhost/app\u0000:v1", "invalid")]
    public void TryParse_Hostile_FailsWithReason(string text, string reason)
    {
        Assert.False(ImageReference.TryParse(text, out var reference, out var error));
        Assert.Null(reference);
        Assert.Contains(reason, error, StringComparison.OrdinalIgnoreCase);
        var thrown = Assert.Throws<FormatException>(() => ImageReference.Parse(text));
        Assert.Equal(error, thrown.Message);
    }

    [Fact]
    public void TryParse_TooLongTag_Fails()
    {
        Assert.False(ImageReference.TryParse("localhost/app:" + new string('a', 129), out _, out var error));
        Assert.Contains("128", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_TooLongRepository_Fails()
    {
        Assert.False(ImageReference.TryParse("localhost/" + string.Join('/', Enumerable.Repeat(new string('a', 50), 6)), out _, out var error));
        Assert.Contains("255", error, StringComparison.Ordinal);
    }

    [Fact]
    public void WithDigest_KeepsTag_AndInRepository_Validates()
    {
        var reference = ImageReference.Parse("localhost/p/app:v1");

        Assert.Equal("localhost/p/app:v1@" + Sha, reference.WithDigest(Digest.Parse(Sha)).ToString());
        Assert.Equal("localhost/p/base", reference.InRepository("p/base").ToString());
        Assert.Throws<FormatException>(() => reference.InRepository("../x"));
    }
}
