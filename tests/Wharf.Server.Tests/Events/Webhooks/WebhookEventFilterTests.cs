using Wharf.Server.Events.Webhooks;

namespace Wharf.Server.Tests.Events.Webhooks;

public sealed class WebhookEventFilterTests
{
    [Theory]
    [InlineData("", "registry.manifest-pushed", true)]
    [InlineData("models.*", "models.alias-moved", true)]
    [InlineData("models.*", "registry.manifest-pushed", false)]
    [InlineData("registry.tag-deleted", "registry.tag-deleted", true)]
    [InlineData("registry.tag-deleted", "registry.tag-deleted-x", false)]
    [InlineData("models.*", "wharf.ping", true)]
    public void Matches_StoredFilter_AsDocumented(string stored, string eventType, bool expected)
    {
        Assert.Equal(expected, WebhookEventFilter.Matches(stored, eventType));
    }

    [Fact]
    public void Normalize_DuplicatesAndStar_StoredSortedOrAsAll()
    {
        Assert.Null(WebhookEventFilter.Normalize(["models.*", " registry.tag-deleted ", "models.*"], out var stored));
        Assert.Null(WebhookEventFilter.Normalize(["models.*", "*"], out var all));

        Assert.Equal("models.* registry.tag-deleted", stored);
        Assert.Equal("", all);
    }

    [Theory]
    [InlineData("Models.*")]
    [InlineData("a b")]
    [InlineData("../x")]
    [InlineData("models.**")]
    [InlineData("")]
    public void Normalize_BadEntry_SaysWhy(string entry)
    {
        Assert.StartsWith("events:", WebhookEventFilter.Normalize([entry], out _), StringComparison.Ordinal);
    }

    [Fact]
    public void EventTypes_ContainsAsTheOutboxAsks_RegistryAndEveryModelsType()
    {
        // The outbox's fan-out asks Enumerable.Contains, which defers to ICollection<T>.Contains.
        IReadOnlyCollection<string> types = WebhookEventTypes.Instance;
        bool[] answers = [.. new[] { "registry.manifest-pushed", "models.version-created", "models.alias-moved", "tracking.run-created", "wharf.ping" }
            .Select(t => Enumerable.Contains(types, t))];

        Assert.Equal([true, true, true, false, false], answers);
    }

    [Fact]
    public void Signature_KnownSecretTimestampAndBody_MatchesHmacOfTimestampDotBody()
    {
        // echo -n '1700000000.{"a":1}' | openssl dgst -sha256 -hmac 'whsec_test-secret-0123'
        var expected = "sha256=" + Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(
            "whsec_test-secret-0123"u8, "1700000000.{\"a\":1}"u8));

        Assert.Equal(expected, WebhookSignature.Compute("whsec_test-secret-0123", 1700000000, "{\"a\":1}"));
    }

    [Fact]
    public void RetryDelay_Attempts_DoublesWithBoundedJitterUpToTheMax()
    {
        var options = new WebhooksOptions { RetryBaseDelay = TimeSpan.FromSeconds(10), RetryMaxDelay = TimeSpan.FromSeconds(60) };

        Assert.Equal(TimeSpan.FromSeconds(10), options.RetryDelay(1, 0));
        Assert.Equal(TimeSpan.FromSeconds(20), options.RetryDelay(2, 0));
        Assert.Equal(TimeSpan.FromSeconds(25), options.RetryDelay(2, 1));
        Assert.Equal(TimeSpan.FromSeconds(60), options.RetryDelay(10, 0));
        Assert.Equal(TimeSpan.FromSeconds(75), options.RetryDelay(10, 1));
    }
}
