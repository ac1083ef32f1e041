using System.Security.Cryptography;
using System.Text;

namespace Wharf.Server.Tests.Registry.Conformance;

/// <summary>
/// Deterministic pseudo-random bytes: SHA-256 of <c>label || counter</c>, concatenated. The same label always gives
/// the same bytes, different labels give unrelated bytes, and nothing depends on a random seed.
/// </summary>
public static class TestBytes
{
    public static byte[] Create(string label, int length)
    {
        var result = new byte[length];
        var seed = Encoding.UTF8.GetBytes(label);
        var input = new byte[seed.Length + sizeof(int)];
        seed.CopyTo(input, 0);
        Span<byte> block = stackalloc byte[SHA256.HashSizeInBytes];
        for (int offset = 0, counter = 0; offset < length; offset += block.Length, counter++)
        {
            BitConverter.TryWriteBytes(input.AsSpan(seed.Length), counter);
            SHA256.HashData(input, block);
            block[..Math.Min(block.Length, length - offset)].CopyTo(result.AsSpan(offset));
        }

        return result;
    }
}
