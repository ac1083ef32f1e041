using System.Security.Cryptography;

namespace Wharf.Oci.Tests;

public sealed class DigestTests
{
    private const string EmptySha256 = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    [Fact]
    public void Parse_ValidSha256_ExposesAlgorithmAndHex()
    {
        var digest = Digest.Parse(EmptySha256);

        Assert.Equal("sha256", digest.Algorithm);
        Assert.Equal(EmptySha256[7..], digest.Hex);
        Assert.Equal(EmptySha256, digest.ToString());
        Assert.False(digest.IsEmpty);
    }

    [Fact]
    public void Parse_ValidSha512_RoundTrips()
    {
        var text = "sha512:" + Convert.ToHexStringLower(SHA512.HashData("x"u8));

        Assert.Equal(text, Digest.Parse(text).ToString());
    }

    [Theory]
    [InlineData(null, "digest is empty")]
    [InlineData("", "digest is empty")]
    [InlineData("sha256", "is not of the form algorithm:hex")]
    [InlineData(":e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "is not of the form algorithm:hex")]
    [InlineData("sha256:", "must have 64 lowercase hex characters")]
    [InlineData("md5:d41d8cd98f00b204e9800998ecf8427e", "algorithm 'md5' is not supported")]
    [InlineData("SHA256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "algorithm 'SHA256' is not supported")]
    [InlineData("sha384:38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b", "is not supported")]
    [InlineData("sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855", "must have 64 lowercase hex characters")]
    [InlineData("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85", "must have 64 lowercase hex characters")]
    [InlineData("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b8555", "must have 64 lowercase hex characters")]
    [InlineData("sha256:g3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "must have 64 lowercase hex characters")]
    [InlineData("sha256:../../etc", "must have 64 lowercase hex characters")]
    [InlineData("sha256:../../../../../../../../../../../../../../../../../../etc/passwd", "must have 64 lowercase hex characters")]
    [InlineData("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7/../..", "must have 64 lowercase hex characters")]
    [InlineData("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85\0", "must have 64 lowercase hex characters")]
    [InlineData(" sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "is not supported")]
    [InlineData("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 ", "must have 64 lowercase hex characters")]
    [InlineData("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85\n", "must have 64 lowercase hex characters")]
    [InlineData("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b:55", "must have 64 lowercase hex characters")]
    [InlineData("sha256+b64:47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU=", "is not supported")]
    [InlineData("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85５", "must have 64 lowercase hex characters")]
    [InlineData("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85٥", "must have 64 lowercase hex characters")]
    [InlineData("sha256:е3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "must have 64 lowercase hex characters")]
    [InlineData("ѕha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "is not supported")]
    public void TryParse_HostileInput_RejectsWithReason(string? value, string reason)
    {
        Assert.False(Digest.TryParse(value, out var digest, out var error));

        Assert.True(digest.IsEmpty);
        Assert.Contains(reason, error, StringComparison.Ordinal);
        var ex = Assert.Throws<FormatException>(() => Digest.Parse(value!));
        Assert.Equal(error, ex.Message);
    }

    [Fact]
    public void TryParse_HugeInput_KeepsErrorShort()
    {
        var huge = "sha256:" + new string('a', 1_000_000);

        Assert.False(Digest.TryParse(huge, out _, out var error));

        Assert.InRange(error.Length, 1, 300);
    }

    [Theory]
    [InlineData("sha256:\u001b[31mred")]
    [InlineData("sha256:line\r\nbreak")]
    [InlineData("x\u2028y:abc")]
    [InlineData("sha256:😀")]
    [InlineData("sha256:\ud800")]
    public void TryParse_NonAsciiOrControlCharacters_ErrorIsPrintableAscii(string value)
    {
        Assert.False(Digest.TryParse(value, out _, out var error));

        Assert.All(error, c => Assert.InRange(c, ' ', '~'));
    }

    [Theory]
    [InlineData(71)]
    [InlineData(72)]
    public void TryParse_LongInputEndingInSurrogatePairs_DoesNotSplitAPair(int padding)
    {
        var value = "sha256:" + new string('a', padding) + "😀😀😀";

        Assert.False(Digest.TryParse(value, out _, out var error));

        Assert.Equal(CountOf(error, "\\ud83d"), CountOf(error, "\\ude00"));
        Assert.Contains("...' must have", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Sha256_EmptyContent_IsTheWellKnownEmptyDigest()
        => Assert.Equal(EmptySha256, Digest.Sha256([]).ToString());

    [Fact]
    public void FromHash_HashOfWrongLength_Throws()
        => Assert.Throws<FormatException>(() => Digest.FromHash("sha256", SHA512.HashData("x"u8)));

    [Fact]
    public void FromHash_UnknownAlgorithm_Throws()
        => Assert.Throws<FormatException>(() => Digest.FromHash("md5", MD5.HashData("x"u8)));

    [Fact]
    public void CreateHash_Sha512Digest_HashesWithSha512()
    {
        var digest = Digest.FromHash("sha512", SHA512.HashData("abc"u8));
        using var hash = digest.CreateHash();

        hash.AppendData("abc"u8);

        Assert.Equal(digest, Digest.FromHash("sha512", hash.GetHashAndReset()));
    }

    [Fact]
    public void CreateHash_UnknownAlgorithm_Throws()
        => Assert.Throws<ArgumentException>(() => Digest.CreateHash("md5"));

    [Fact]
    public void Equality_SameText_IsEqualAndHashesEqual()
    {
        var a = Digest.Parse(EmptySha256);
        var b = Digest.Parse(string.Concat("sha256:", EmptySha256.AsSpan(7)));

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, default);
    }

    [Fact]
    public void Default_IsEmptyAndPrintsNothing()
    {
        Assert.True(default(Digest).IsEmpty);
        Assert.Equal(string.Empty, default(Digest).ToString());
    }

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
