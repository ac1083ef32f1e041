using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;

namespace Wharf.Client.Models;

/// <summary>
/// Reads a model file layer: an uncompressed tar that must hold exactly the file <c>model/&lt;title&gt;</c> and, at most,
/// its parent directories. The tar comes from the server and is hostile input, so nothing in it is interpreted as a
/// path on this machine: the one regular file whose name is exactly the expected one is copied to a file the caller
/// chose, and any other entry (another name, a '..', an absolute name, a symlink, a hardlink, a device, a FIFO, a
/// second copy of the file, a global PAX header) refuses the whole layer.
/// </summary>
internal static class ModelLayerTar
{
    /// <summary>The directory of the tar that holds the version's files.</summary>
    public const string Directory = "model";

    private const string RefusalKey = "Wharf.ModelLayerRefusal";

    /// <summary>
    /// Copies the file <c>model/<paramref name="title"/></c> of the tar read from <paramref name="tar"/> to
    /// <paramref name="destination"/> (created new) and returns the <c>sha256:</c> digest and size of its bytes.
    /// </summary>
    /// <exception cref="InvalidDataException">The tar holds anything else, or is not a valid tar.</exception>
    public static async Task<(string Digest, long Size)> ExtractAsync(Stream tar, string title, long expectedSize, string destination, CancellationToken cancellationToken)
    {
        var expected = $"{Directory}/{title}";
        var directories = new HashSet<string>(StringComparer.Ordinal) { Directory };
        for (var i = expected.IndexOf('/', Directory.Length + 1); i > 0; i = expected.IndexOf('/', i + 1))
        {
            directories.Add(expected[..i]);
        }

        (string Digest, long Size)? file = null;
        try
        {
            await using var reader = new TarReader(tar, leaveOpen: true);
            while (await reader.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
            {
                var name = entry.Name;
                switch (entry.EntryType)
                {
                    case TarEntryType.Directory:
                        if (!directories.Contains(name.EndsWith('/') ? name[..^1] : name))
                        {
                            throw Refused(title, $"it holds the directory '{Printable(name)}'");
                        }

                        break;
                    case TarEntryType.RegularFile or TarEntryType.V7RegularFile:
                        if (!string.Equals(name, expected, StringComparison.Ordinal))
                        {
                            throw Refused(title, $"it holds the file '{Printable(name)}'");
                        }

                        if (file is not null)
                        {
                            throw Refused(title, $"it holds '{Printable(name)}' twice");
                        }

                        if (entry.Length != expectedSize)
                        {
                            throw Refused(title, $"its file is {entry.Length} bytes, not the {expectedSize} its manifest says");
                        }

                        file = await CopyAsync(entry.DataStream, destination, cancellationToken);
                        break;
                    default:
                        throw Refused(title, $"it holds a {entry.EntryType} entry '{Printable(name)}'");
                }
            }
        }
        catch (Exception ex) when (ex is FormatException or EndOfStreamException or ArgumentException or InvalidDataException && !IsRefusal(ex))
        {
            throw Refusal($"the layer of '{title}' is not a valid tar: {ex.Message}", ex);
        }

        return file ?? throw Refused(title, $"it does not hold the file '{Printable(expected)}'");
    }

    private static async Task<(string Digest, long Size)> CopyAsync(Stream? content, string destination, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long size = 0;
        await using var file = new FileStream(destination, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true);
        if (content is not null)
        {
            var buffer = new byte[81920];
            int read;
            while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                size += read;
            }
        }

        await file.FlushAsync(cancellationToken);
        return ("sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset()), size);
    }

    /// <summary>
    /// An <see cref="InvalidDataException"/> that says why a layer is refused, marked so that the tar reader's own
    /// format errors (also <see cref="InvalidDataException"/>s) can be told apart from it.
    /// </summary>
    public static InvalidDataException Refusal(string message, Exception? inner = null)
    {
        var exception = new InvalidDataException(message, inner);
        exception.Data[RefusalKey] = true;
        return exception;
    }

    private static bool IsRefusal(Exception ex) => ex.Data.Contains(RefusalKey);

    private static InvalidDataException Refused(string title, string why)
        => Refusal($"refusing the layer of '{title}': {why}; a model layer holds only the file '{Directory}/{title}' and its directories");

    /// <summary>A hostile name made safe for an error message: control characters escaped, at most 200 characters.</summary>
    private static string Printable(string s)
    {
        var builder = new StringBuilder();
        foreach (var c in s.Length > 200 ? s[..200] : s)
        {
            builder.Append(char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString());
        }

        return s.Length > 200 ? builder.Append("...").ToString() : builder.ToString();
    }
}
