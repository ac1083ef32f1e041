using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Wharf.Server.Tests.Ui;

/// <summary>
/// A valid PNG written by hand (signature, IHDR, one zlib-compressed IDAT, IEND, each chunk with its CRC-32), so the
/// browser tests can check an image preview really decodes without shipping a binary fixture.
/// </summary>
internal static class TinyPng
{
    /// <summary>A <paramref name="width"/> × <paramref name="height"/> 8-bit RGB image of one colour.</summary>
    public static byte[] Create(int width, int height, byte red, byte green, byte blue)
    {
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);

        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth
        header[9] = 2; // colour type: RGB
        WriteChunk(png, "IHDR", header);

        using (var pixels = new MemoryStream())
        {
            using (var zlib = new ZLibStream(pixels, CompressionLevel.Optimal, leaveOpen: true))
            {
                var row = new byte[1 + (width * 3)]; // filter byte 0 (None), then RGB triples
                for (var x = 0; x < width; x++)
                {
                    row[1 + (x * 3)] = red;
                    row[2 + (x * 3)] = green;
                    row[3 + (x * 3)] = blue;
                }

                for (var y = 0; y < height; y++)
                {
                    zlib.Write(row);
                }
            }

            WriteChunk(png, "IDAT", pixels.ToArray());
        }

        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void WriteChunk(Stream png, string type, byte[] data)
    {
        Span<byte> number = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(number, data.Length);
        png.Write(number);
        var typeAndData = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        png.Write(typeAndData);
        BinaryPrimitives.WriteUInt32BigEndian(number, Crc32(typeAndData));
        png.Write(number);
    }

    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }
}
