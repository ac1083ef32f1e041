using System.Net;

namespace Wharf.Server.Tests.Registry.Conformance;

/// <summary>Assertions on registry responses whose failure messages show the request and what came back.</summary>
public static class RegistryAssert
{
    /// <summary>The error codes of the distribution spec, the ones a conforming error body may carry.</summary>
    public static readonly IReadOnlySet<string> SpecErrorCodes = new HashSet<string>(StringComparer.Ordinal)
    {
        "BLOB_UNKNOWN", "BLOB_UPLOAD_INVALID", "BLOB_UPLOAD_UNKNOWN", "DIGEST_INVALID", "MANIFEST_BLOB_UNKNOWN",
        "MANIFEST_INVALID", "MANIFEST_UNKNOWN", "MANIFEST_UNVERIFIED", "NAME_INVALID", "NAME_UNKNOWN", "SIZE_INVALID",
        "TAG_INVALID", "UNAUTHORIZED", "DENIED", "UNSUPPORTED", "TOOMANYREQUESTS",

        // The spec has no code for a bad page size; this is CNCF distribution's, which Docker clients already know.
        "PAGINATION_NUMBER_INVALID",
    };

    public static void Status(HttpStatusCode expected, RegistryResponse response, string? step = null)
    {
        if (response.Status != expected)
        {
            Assert.Fail($"{Prefix(step)}expected {(int)expected} {expected}, got {response}");
        }
    }

    public static void StatusIn(RegistryResponse response, string step, params HttpStatusCode[] allowed)
    {
        if (!allowed.Contains(response.Status))
        {
            Assert.Fail($"{step}: expected one of {string.Join(", ", allowed.Select(s => (int)s))}, got {response}");
        }
    }

    /// <summary>A refusal: neither a success nor a server error (3xx and 4xx both count).</summary>
    public static void Refused(RegistryResponse response, string? step = null)
    {
        if (response.IsSuccess || (int)response.Status >= 500)
        {
            Assert.Fail($"{Prefix(step)}expected the request to be refused without a server error, got {response}");
        }
    }

    /// <summary>
    /// <paramref name="status"/> and a well-formed OCI error body whose first error has one of <paramref name="codes"/>.
    /// </summary>
    public static void Error(RegistryResponse response, HttpStatusCode status, params string[] codes)
    {
        Status(status, response);
        var errors = Envelope(response);
        if (!codes.Contains(errors[0].Code))
        {
            Assert.Fail($"expected error code {string.Join(" or ", codes)}, got {response}");
        }
    }

    /// <summary>The body is <c>{"errors":[...]}</c> with at least one entry, each with a spec code and a message.</summary>
    public static IReadOnlyList<OciError> Envelope(RegistryResponse response)
    {
        var errors = response.Errors();
        if (errors is not { Count: > 0 })
        {
            Assert.Fail($"expected an OCI error body {{\"errors\":[...]}}, got {response}");
        }

        foreach (var error in errors)
        {
            if (error.Code is null || !SpecErrorCodes.Contains(error.Code) || string.IsNullOrWhiteSpace(error.Message))
            {
                Assert.Fail($"every error needs a spec code and a message; got {response}");
            }
        }

        return errors;
    }

    /// <summary>The Docker-Content-Digest header, which the spec makes optional, is right when it is there.</summary>
    public static void DigestHeaderIfPresent(RegistryResponse response, string digest)
    {
        if (response.ContentDigest is { } header && header != digest)
        {
            Assert.Fail($"Docker-Content-Digest should be {digest}, got {response}");
        }
    }

    public static void Body(ReadOnlyMemory<byte> expected, RegistryResponse response, string? step = null)
    {
        if (!expected.Span.SequenceEqual(response.Body))
        {
            Assert.Fail($"{Prefix(step)}body differs from the {expected.Length} bytes expected ({response.Body.Length} received); {response}");
        }
    }

    public static void Header(string expected, RegistryResponse response, string name, string? step = null)
    {
        if (response.Header(name) != expected)
        {
            Assert.Fail($"{Prefix(step)}expected header {name}: {expected}, got {response.Header(name) ?? "(absent)"}; {response}");
        }
    }

    private static string Prefix(string? step) => step is null ? "" : step + ": ";
}
