using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Wharf.Server.Auth;

namespace Wharf.Server.Tests.Auth;

public sealed class AuthOptionsTests
{
    [Theory]
    [InlineData("Wharf:Auth:DefaultTokenLifetime", "400.00:00:00")]
    [InlineData("Wharf:Auth:MaxTokenLifetime", "-1.00:00:00")]
    [InlineData("Wharf:Auth:RegistryTokenLifetime", "02:00:00")]
    [InlineData("Wharf:Auth:RegistryService", " ")]
    [InlineData("Wharf:Auth:TokenEndpointPermitsPerMinute", "0")]
    public void Value_InvalidSetting_FailsNamingTheKey(string key, string value)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build());
        services.AddLogging();
        services.AddWharfAuth();
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<AuthOptions>>().Value);

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Redact_ValueHoldingAToken_IsReplaced()
    {
        Assert.Equal("[redacted]", AuditLog.Redact("alice wharf_pat_abc"));
        Assert.Equal("alice", AuditLog.Redact("alice"));
        Assert.Null(AuditLog.Redact(null));
    }
}
