using System.Buffers.Text;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Wharf.Server.Auth;
using Wharf.Server.Hosting;
using Wharf.Server.Tests.Infrastructure;

namespace Wharf.Server.Tests.Auth;

/// <summary>The JWT validator against the classic JWT attacks, with tokens crafted by hand.</summary>
public sealed class JwtValidatorTests : IDisposable
{
    private const string Audience = "wharf";

    private readonly TempDirectory data = new("wharf-jwt");
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly RegistrySigningKeys keys;
    private readonly JwtValidator validator;
    private readonly RegistryTokenIssuer issuer;

    public JwtValidatorTests()
    {
        var options = Options.Create(new AuthOptions());
        keys = new RegistrySigningKeys(Options.Create(new WharfOptions { DataDirectory = data.Path }), NullLogger<RegistrySigningKeys>.Instance);
        validator = new JwtValidator(keys, time, options);
        issuer = new RegistryTokenIssuer(keys, time, options);
    }

    private static AuthPrincipal Alice => new(PrincipalKind.User, 1, "alice", false, null, new Dictionary<string, Scope>(), Scope.None);

    public void Dispose()
    {
        keys.Dispose();
        data.Dispose();
    }

    [Fact]
    public void Validate_IssuedToken_ReturnsItsClaims()
    {
        var (token, _, _) = issuer.IssueAccess(Alice, [new RegistryAccess("repository", "ml/app", ["pull"])]);

        var result = validator.Validate(token, Audience);

        Assert.True(result.IsValid, result.Error);
        Assert.Equal("user:alice", result.Claims!.Value.GetProperty("sub").GetString());
        Assert.Equal("ml/app", result.Claims.Value.GetProperty("access")[0].GetProperty("name").GetString());
    }

    [Fact]
    public void Validate_AlgNone_Refused()
    {
        var token = Encode($$"""{"alg":"none","kid":"{{keys.Current.KeyId}}"}""", ValidPayload()) + ".";

        Assert.False(validator.Validate(token, Audience).IsValid);
        Assert.False(validator.Validate(token + "AAAA", Audience).IsValid);
    }

    [Fact]
    public void Validate_Hs256SignedWithPublicKey_Refused()
    {
        var publicKey = Encoding.UTF8.GetBytes(keys.Current.Key.ExportSubjectPublicKeyInfoPem());
        var input = Encode($$"""{"alg":"HS256","kid":"{{keys.Current.KeyId}}"}""", ValidPayload());
        var token = input + "." + Base64Url.EncodeToString(HMACSHA256.HashData(publicKey, Encoding.ASCII.GetBytes(input)));

        Assert.Equal("unsupported algorithm", validator.Validate(token, Audience).Error);
    }

    [Fact]
    public void Validate_InjectedJwkWithAttackerKey_Refused()
    {
        using var attacker = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var q = attacker.ExportParameters(false).Q;
        var jwk = $$"""{"kty":"EC","crv":"P-256","x":"{{Base64Url.EncodeToString(q.X)}}","y":"{{Base64Url.EncodeToString(q.Y)}}"}""";

        // With our kid the attacker's signature does not verify; with the attacker's own kid the key is unknown.
        var withOurKid = SignEs256(attacker, $$"""{"alg":"ES256","kid":"{{keys.Current.KeyId}}","jwk":{{jwk}}}""", ValidPayload());
        var withTheirKid = SignEs256(attacker, $$"""{"alg":"ES256","kid":"{{RegistrySigningKeys.Thumbprint(attacker)}}","jwk":{{jwk}}}""", ValidPayload());

        Assert.Equal("bad signature", validator.Validate(withOurKid, Audience).Error);
        Assert.Equal("unknown key", validator.Validate(withTheirKid, Audience).Error);
    }

    [Fact]
    public void Validate_ForeignKidOrMissingKid_Refused()
    {
        Assert.Equal("unknown key", validator.Validate(SignEs256(keys.Current.Key, """{"alg":"ES256","kid":"someone-else"}""", ValidPayload()), Audience).Error);
        Assert.Equal("unknown key", validator.Validate(SignEs256(keys.Current.Key, """{"alg":"ES256"}""", ValidPayload()), Audience).Error);
    }

    [Fact]
    public void Validate_ExpiredBeyondLeeway_RefusedButWithinLeewayAccepted()
    {
        var (token, _, lifetime) = issuer.IssueAccess(Alice, []);

        time.Advance(lifetime + TimeSpan.FromSeconds(60));
        Assert.True(validator.Validate(token, Audience).IsValid);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("expired", validator.Validate(token, Audience).Error);
    }

    [Fact]
    public void Validate_NotYetValid_Refused()
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var payload = $$"""{"iss":"wharf","aud":"wharf","exp":{{now + 600}},"nbf":{{now + 61}}}""";

        Assert.Equal("not yet valid", validator.Validate(SignEs256(keys.Current.Key, Header(), payload), Audience).Error);
    }

    [Fact]
    public void Validate_WrongAudienceOrIssuer_Refused()
    {
        var (token, _, _) = issuer.IssueAccess(Alice, []);
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var otherIssuer = SignEs256(keys.Current.Key, Header(), $$"""{"iss":"evil","aud":"wharf","exp":{{now + 60}}}""");

        Assert.Equal("wrong audience", validator.Validate(token, "other-service").Error);
        Assert.Equal("wrong audience", validator.Validate(issuer.IssueRefresh(Alice), Audience).Error);
        Assert.Equal("wrong issuer", validator.Validate(otherIssuer, Audience).Error);
    }

    [Fact]
    public void Validate_TamperedPayload_Refused()
    {
        var (token, _, _) = issuer.IssueAccess(Alice, [new RegistryAccess("repository", "ml/app", ["pull"])]);
        var parts = token.Split('.');
        var payload = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(parts[1])).Replace("\"pull\"", "\"push\"", StringComparison.Ordinal);
        var tampered = parts[0] + "." + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload)) + "." + parts[2];

        Assert.Equal("bad signature", validator.Validate(tampered, Audience).Error);
    }

    [Fact]
    public void Validate_DuplicateAlgOrCrit_Refused()
    {
        Assert.False(validator.Validate(SignEs256(keys.Current.Key, $$"""{"alg":"ES256","alg":"none","kid":"{{keys.Current.KeyId}}"}""", ValidPayload()), Audience).IsValid);
        Assert.Equal("unsupported critical header", validator.Validate(SignEs256(keys.Current.Key, $$"""{"alg":"ES256","crit":["x"],"kid":"{{keys.Current.KeyId}}"}""", ValidPayload()), Audience).Error);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a.b")]
    [InlineData("a.b.c.d")]
    [InlineData("!!!.@@@.###")]
    [InlineData("eyJ=.eyJ=.AAAA")]
    [InlineData("e.e.e")]
    [InlineData("W10.W10.AAAA")]
    public void Validate_GarbageInput_RefusedWithoutThrowing(string token)
    {
        Assert.False(validator.Validate(token, Audience).IsValid);
    }

    [Fact]
    public void Validate_Oversized_Refused()
    {
        var payload = $$"""{"iss":"wharf","aud":"wharf","exp":{{time.GetUtcNow().ToUnixTimeSeconds() + 60}},"pad":"{{new string('x', JwtValidator.MaxLength)}}"}""";

        Assert.Equal("token too large", validator.Validate(SignEs256(keys.Current.Key, Header(), payload), Audience).Error);
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public void Constructor_KeysReloadedFromDisk_SameKidStillValidates()
    {
        var (token, _, _) = issuer.IssueAccess(Alice, []);
        using var reloaded = new RegistrySigningKeys(Options.Create(new WharfOptions { DataDirectory = data.Path }), NullLogger<RegistrySigningKeys>.Instance);

        Assert.True(new JwtValidator(reloaded, time, Options.Create(new AuthOptions())).Validate(token, Audience).IsValid);
        var file = Assert.Single(Directory.GetFiles(Path.Combine(data.Path, "keys"), "registry-signing-*.pem"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.Contains(keys.Current.KeyId, file, StringComparison.Ordinal);
    }

    private string Header() => $$"""{"alg":"ES256","typ":"JWT","kid":"{{keys.Current.KeyId}}"}""";

    private string ValidPayload() =>
        $$"""{"iss":"wharf","sub":"user:alice","aud":"wharf","exp":{{time.GetUtcNow().ToUnixTimeSeconds() + 300}},"access":[{"type":"repository","name":"ml/app","actions":["push"]}]}""";

    private static string Encode(string header, string payload) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(header)) + "." + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload));

    private static string SignEs256(ECDsa key, string header, string payload)
    {
        var input = Encode(header, payload);
        return input + "." + Base64Url.EncodeToString(key.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256));
    }
}
