using System.Text.Encodings.Web;
using System.Text.Json;

namespace Wharf.Cli.Commands;

/// <summary>
/// The one JSON document <c>wharf push|pull|build --format json</c> prints on stdout:
/// <c>{"reference","digest","mediaType","bytesTransferred",...,"blobs":[{"name","digest","mediaType","size","state","bytes"}]}</c>.
/// </summary>
internal static class ImageJson
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Write(string reference, string digest, string mediaType, long bytesTransferred, IEnumerable<BlobOutcome> blobs, Action<Utf8JsonWriter>? extra = null)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, Options))
        {
            w.WriteStartObject();
            w.WriteString("reference", reference);
            w.WriteString("digest", digest);
            w.WriteString("mediaType", mediaType);
            w.WriteNumber("bytesTransferred", bytesTransferred);
            extra?.Invoke(w);
            w.WriteStartArray("blobs");
            foreach (var blob in blobs)
            {
                w.WriteStartObject();
                w.WriteString("name", blob.Name);
                w.WriteString("digest", blob.Descriptor.Digest.ToString());
                w.WriteString("mediaType", blob.Descriptor.MediaType);
                w.WriteNumber("size", blob.Descriptor.Size);
                w.WriteString("state", ImageProgress.Text(blob.State));
                w.WriteNumber("bytes", blob.Bytes);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
