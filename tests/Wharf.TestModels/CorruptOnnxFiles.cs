namespace Wharf.TestModels;

/// <summary>Writes files named like ONNX models that no ONNX runtime can load, for negative tests.</summary>
public static class CorruptOnnxFiles
{
    /// <summary>
    /// Writes the first half of a valid model's bytes. The cut falls inside the graph, the bulk of the file, so the
    /// protobuf message ends in the middle of a length-delimited field.
    /// </summary>
    public static void WriteTruncated(IrisModel model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        var bytes = OnnxModelWriter.Serialize(model.Parameters);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
    }

    /// <summary>Writes <paramref name="length"/> pseudo-random bytes; the same seed gives the same file.</summary>
    public static void WriteRandomBytes(string path, int seed = 1, int length = 1024)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        File.WriteAllBytes(path, bytes);
    }
}
