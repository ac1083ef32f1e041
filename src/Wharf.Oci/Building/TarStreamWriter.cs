using System.Globalization;
using System.Text;

namespace Wharf.Oci.Building;

/// <summary>
/// Writes a POSIX tar (ustar headers, PAX extended headers only when ustar cannot hold a value) with every field
/// that varies between machines fixed: uid/gid 0, empty uname/gname, device numbers 0, one mtime, no atime/ctime,
/// and a constant name for PAX headers (tar tools put a process id there; we must not).
/// System.Formats.Tar's writer is not used because it names PAX headers after the process id.
/// </summary>
internal sealed class TarStreamWriter(Stream output)
{
    private const int Block = 512;
    private const long MaxOctal11 = 0x1_FFFF_FFFF; // 8^11 - 1: the largest size or mtime an 11-digit octal field holds
    private const int ModeExecutable = 0x1ED; // 0755
    private const int ModeFile = 0x1A4; // 0644
    private const int ModeSymlink = 0x1FF; // 0777
    private static readonly byte[] Zeros = new byte[Block * 2];

    public async Task WriteEntryAsync(LayerEntry entry, long mtime, CancellationToken cancellationToken)
    {
        var (typeflag, mode) = entry.Kind switch
        {
            LayerEntryKind.Directory => ((byte)'5', ModeExecutable),
            LayerEntryKind.Symlink => ((byte)'2', ModeSymlink),
            _ => ((byte)'0', entry.Executable ? ModeExecutable : ModeFile),
        };
        var name = entry.Kind == LayerEntryKind.Directory ? entry.Path + "/" : entry.Path;
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var linkBytes = entry.LinkTarget is null ? [] : Encoding.UTF8.GetBytes(entry.LinkTarget);

        var pax = new List<(string Key, byte[] Value)>();
        byte[] nameField = nameBytes, prefixField = [];
        if (!IsAscii(name) || nameBytes.Length > 100)
        {
            if (IsAscii(name) && TrySplit(nameBytes, out var prefix, out var rest))
            {
                prefixField = prefix;
                nameField = rest;
            }
            else
            {
                pax.Add(("path", nameBytes));
                nameField = AsciiFallback(nameBytes, 100);
            }
        }

        if (linkBytes.Length > 100 || !IsAscii(entry.LinkTarget ?? string.Empty))
        {
            pax.Add(("linkpath", linkBytes));
            linkBytes = AsciiFallback(linkBytes, 100);
        }

        var size = entry.Kind == LayerEntryKind.File ? entry.Length : 0;
        if (size > MaxOctal11)
        {
            pax.Add(("size", Encoding.ASCII.GetBytes(size.ToString(CultureInfo.InvariantCulture))));
        }

        if (pax.Count > 0)
        {
            var records = PaxRecords(pax);
            var paxHeader = Header("././@PaxHeader"u8.ToArray(), [], ModeFile, records.Length, mtime, (byte)'x', []);
            await output.WriteAsync(paxHeader, cancellationToken);
            await output.WriteAsync(records, cancellationToken);
            await PadAsync(records.Length, cancellationToken);
        }

        var header = Header(nameField, prefixField, mode, Math.Min(size, MaxOctal11), mtime, typeflag, linkBytes);
        await output.WriteAsync(header, cancellationToken);
        if (entry.Kind == LayerEntryKind.File)
        {
            await CopyExactlyAsync(entry, cancellationToken);
            await PadAsync(size, cancellationToken);
        }
    }

    /// <summary>The end-of-archive marker: two zero blocks.</summary>
    public Task FinishAsync(CancellationToken cancellationToken) => output.WriteAsync(Zeros, cancellationToken).AsTask();

    private async Task CopyExactlyAsync(LayerEntry entry, CancellationToken cancellationToken)
    {
        await using var source = await entry.OpenAsync(cancellationToken);
        var buffer = new byte[1 << 17];
        var remaining = entry.Length;
        while (remaining > 0)
        {
            var n = await source.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, remaining)), cancellationToken);
            if (n == 0)
            {
                throw new ImageBuildException($"'{entry.SourceFile ?? entry.Path}' is shorter than the {entry.Length} bytes it had when added (changed during the build?)");
            }

            await output.WriteAsync(buffer.AsMemory(0, n), cancellationToken);
            remaining -= n;
        }

        if (await source.ReadAsync(buffer.AsMemory(0, 1), cancellationToken) != 0)
        {
            throw new ImageBuildException($"'{entry.SourceFile ?? entry.Path}' is longer than the {entry.Length} bytes it had when added (changed during the build?)");
        }
    }

    private Task PadAsync(long length, CancellationToken cancellationToken)
    {
        var pad = (int)((Block - (length % Block)) % Block);
        return pad == 0 ? Task.CompletedTask : output.WriteAsync(Zeros.AsMemory(0, pad), cancellationToken).AsTask();
    }

    private static byte[] Header(byte[] name, byte[] prefix, int mode, long size, long mtime, byte typeflag, byte[] linkName)
    {
        var h = new byte[Block];
        name.CopyTo(h, 0);
        Octal(h, 100, 8, mode);
        Octal(h, 108, 8, 0);
        Octal(h, 116, 8, 0);
        Octal(h, 124, 12, size);
        Octal(h, 136, 12, mtime);
        h[156] = typeflag;
        linkName.CopyTo(h, 157);
        "ustar\0"u8.CopyTo(h.AsSpan(257));
        "00"u8.CopyTo(h.AsSpan(263));
        // uname (265) and gname (297) stay empty.
        Octal(h, 329, 8, 0);
        Octal(h, 337, 8, 0);
        prefix.CopyTo(h, 345);

        // The checksum is the byte sum with the checksum field read as eight spaces.
        "        "u8.CopyTo(h.AsSpan(148));
        var sum = 0;
        foreach (var b in h)
        {
            sum += b;
        }

        Encoding.ASCII.GetBytes(Convert.ToString(sum, 8).PadLeft(6, '0')).CopyTo(h, 148);
        h[154] = 0;
        h[155] = (byte)' ';
        return h;
    }

    /// <summary>Zero-padded octal with a terminating NUL, as GNU and BSD tar write it.</summary>
    private static void Octal(byte[] header, int offset, int width, long value)
    {
        var digits = Convert.ToString(value, 8).PadLeft(width - 1, '0');
        Encoding.ASCII.GetBytes(digits).CopyTo(header, offset);
        header[offset + width - 1] = 0;
    }

    /// <summary>ustar's prefix/name split: prefix at most 155 bytes, name at most 100, split at a '/'.</summary>
    private static bool TrySplit(byte[] path, out byte[] prefix, out byte[] name)
    {
        prefix = name = [];
        if (path.Length > 256)
        {
            return false;
        }

        for (var i = Math.Min(path.Length - 1, 155); i > 0; i--)
        {
            if (path[i] == (byte)'/' && path.Length - i - 1 is > 0 and <= 100)
            {
                prefix = path[..i];
                name = path[(i + 1)..];
                return true;
            }
        }

        return false;
    }

    private static byte[] AsciiFallback(byte[] value, int max)
    {
        var ascii = value.Select(b => b is >= 0x20 and < 0x7f ? b : (byte)'_').Take(max).ToArray();
        return ascii;
    }

    private static bool IsAscii(string s)
    {
        foreach (var c in s)
        {
            if (c is < ' ' or > '~')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>PAX records "LEN key=value\n", where LEN counts the whole record including its own digits.</summary>
    private static byte[] PaxRecords(List<(string Key, byte[] Value)> records)
    {
        using var buffer = new MemoryStream();
        foreach (var (key, value) in records)
        {
            var body = Encoding.ASCII.GetByteCount(key) + value.Length + 3; // ' ', '=', '\n'
            var length = body + 1;
            while (length.ToString(CultureInfo.InvariantCulture).Length + body != length)
            {
                length = body + length.ToString(CultureInfo.InvariantCulture).Length;
            }

            buffer.Write(Encoding.ASCII.GetBytes($"{length} {key}="));
            buffer.Write(value);
            buffer.WriteByte((byte)'\n');
        }

        return buffer.ToArray();
    }
}
