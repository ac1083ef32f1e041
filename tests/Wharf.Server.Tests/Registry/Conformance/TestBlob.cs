using System.Text.Json.Nodes;

namespace Wharf.Server.Tests.Registry.Conformance;

/// <summary>Bytes to push as a blob, with the descriptor a manifest uses to refer to them.</summary>
public sealed class TestBlob
{
    public TestBlob(string mediaType, byte[] content, string algorithm = OciDigest.Sha256)
    {
        MediaType = mediaType;
        Content = content;
        Digest = OciDigest.Compute(content, algorithm);
    }

    public string MediaType { get; }

    public byte[] Content { get; }

    public string Digest { get; }

    public long Size => Content.LongLength;

    /// <summary>When set, the descriptor embeds the content in its <c>data</c> field (image-spec 1.1).</summary>
    public bool EmbedData { get; init; }

    public JsonObject ToDescriptor()
    {
        var descriptor = new JsonObject { ["mediaType"] = MediaType, ["digest"] = Digest, ["size"] = Size };
        if (EmbedData)
        {
            descriptor["data"] = Convert.ToBase64String(Content);
        }

        return descriptor;
    }
}
