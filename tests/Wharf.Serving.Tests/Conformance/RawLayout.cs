using System.Buffers.Binary;

namespace Wharf.Serving.Tests.Conformance;

/// <summary>The protocol's raw BYTES layout: per element a 4-byte little-endian length, then the bytes.</summary>
internal static class RawLayout
{
    public static byte[] EncodeBytesElements(IReadOnlyList<byte[]> elements)
    {
        var data = new byte[elements.Sum(e => 4 + e.Length)];
        var offset = 0;
        foreach (var element in elements)
        {
            BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(offset), element.Length);
            element.CopyTo(data, offset + 4);
            offset += 4 + element.Length;
        }

        return data;
    }

    public static List<byte[]> DecodeBytesElements(ReadOnlySpan<byte> data)
    {
        var elements = new List<byte[]>();
        while (!data.IsEmpty)
        {
            if (data.Length < 4)
            {
                throw new InvalidDataException("truncated BYTES element length");
            }

            var length = BinaryPrimitives.ReadInt32LittleEndian(data);
            if (length < 0 || length > data.Length - 4)
            {
                throw new InvalidDataException($"BYTES element length {length} runs past the data");
            }

            elements.Add(data.Slice(4, length).ToArray());
            data = data[(4 + length)..];
        }

        return elements;
    }
}
