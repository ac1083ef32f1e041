using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Wharf.Oci;
using Wharf.Server.Storage;

namespace Wharf.Server.Models;

/// <summary>
/// Reads the signature of a version's ONNX files by loading each with ONNX Runtime: inputs and outputs with their
/// element types and shapes, dynamic dimensions as -1 with their symbolic names. ONNX Runtime needs a file path: the
/// filesystem blob store's own file is used as it is; any other store's blob is streamed to a temp file first (never
/// buffered in memory). A file that does not load is a failure with ONNX Runtime's reason.
/// </summary>
internal sealed class ModelSignatureReader(IBlobStore blobs)
{
    /// <summary>One ONNX file of the version: its path relative to the source, and its blob.</summary>
    public readonly record struct OnnxFile(string Path, Digest Digest);

    /// <summary>The signature JSON (<c>{}</c> when there are no files), or the reason the files do not load.</summary>
    public async Task<(string? Signature, string? Error)> ReadAsync(IReadOnlyList<OnnxFile> files, CancellationToken cancellationToken = default)
    {
        using var buffer = new MemoryStream();
        await using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            if (files.Count > 0)
            {
                w.WriteStartArray("onnx");
                foreach (var file in files)
                {
                    if (await ReadOneAsync(w, file, cancellationToken) is { } error)
                    {
                        return (null, $"ONNX file '{file.Path}' does not load: {error}");
                    }
                }

                w.WriteEndArray();
            }

            w.WriteEndObject();
        }

        return (System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length), null);
    }

    private async Task<string?> ReadOneAsync(Utf8JsonWriter w, OnnxFile file, CancellationToken cancellationToken)
    {
        string? temp = null;
        string path;
        if (blobs is FileSystemBlobStore fileSystem)
        {
            path = fileSystem.PathOf(file.Digest);
        }
        else
        {
            await using var source = await blobs.OpenReadAsync(file.Digest, cancellationToken);
            if (source is null)
            {
                return "its bytes are missing from the blob store";
            }

            temp = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"wharf-model-{Guid.NewGuid():N}.onnx");
            await using var target = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous);
            await source.CopyToAsync(target, cancellationToken);
            path = temp;
        }

        try
        {
            using var options = new Microsoft.ML.OnnxRuntime.SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL };
            using var session = new InferenceSession(path, options);
            w.WriteStartObject();
            w.WriteString("path", file.Path);
            Values(w, "inputs", session.InputMetadata);
            Values(w, "outputs", session.OutputMetadata);
            w.WriteEndObject();
            return null;
        }
        catch (OnnxRuntimeException ex)
        {
            return ex.Message;
        }
        finally
        {
            if (temp is not null)
            {
                File.Delete(temp);
            }
        }
    }

    private static void Values(Utf8JsonWriter w, string name, IReadOnlyDictionary<string, NodeMetadata> values)
    {
        w.WriteStartArray(name);
        foreach (var (valueName, metadata) in values)
        {
            w.WriteStartObject();
            w.WriteString("name", valueName);
            w.WriteString("type", metadata.OnnxValueType.ToString().Replace("ONNX_TYPE_", "", StringComparison.Ordinal).ToLowerInvariant());
            if (metadata.IsTensor)
            {
                w.WriteString("element_type", metadata.ElementDataType.ToString().ToLowerInvariant());
                w.WriteStartArray("shape");
                foreach (var dimension in metadata.Dimensions)
                {
                    w.WriteNumberValue(dimension);
                }

                w.WriteEndArray();
                if (metadata.SymbolicDimensions.Any(s => !string.IsNullOrEmpty(s)))
                {
                    w.WriteStartArray("symbolic_shape");
                    foreach (var symbol in metadata.SymbolicDimensions)
                    {
                        w.WriteStringValue(symbol);
                    }

                    w.WriteEndArray();
                }
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
    }
}
