using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Wharf.Server.Hosting;

namespace Wharf.Server.Auth;

/// <summary>
/// The keys that sign registry tokens: P-256 private keys in PKCS#8 PEM files
/// <c>$WHARF_DATA/keys/registry-signing-&lt;kid&gt;.pem</c> (mode 0600), generated on first use. Every key on disk
/// verifies (so a key can be rotated by adding a newer file and later deleting the old one); the newest signs.
/// Keys are loaded once per process.
/// </summary>
internal sealed class RegistrySigningKeys(IOptions<WharfOptions> wharf, ILogger<RegistrySigningKeys> logger) : IDisposable
{
    private const string FilePrefix = "registry-signing-";
    // PublicationOnly: a failure (disk full while generating) is retried on the next request instead of being cached
    // for the life of the process; a lost race at most leaves an extra, unused key file.
    private readonly Lazy<IReadOnlyList<SigningKey>> keys = new(() => Load(wharf.Value.DataDirectoryFullPath, logger), LazyThreadSafetyMode.PublicationOnly);

    /// <summary>The key new tokens are signed with.</summary>
    public SigningKey Current => keys.Value[0];

    /// <summary>Finds one of our keys by <c>kid</c>; a foreign <c>kid</c> finds nothing.</summary>
    public SigningKey? Find(string keyId) => keys.Value.FirstOrDefault(k => string.Equals(k.KeyId, keyId, StringComparison.Ordinal));

    public void Dispose()
    {
        if (keys.IsValueCreated)
        {
            foreach (var key in keys.Value)
            {
                key.Key.Dispose();
            }
        }
    }

    /// <summary>The RFC 7638 JWK thumbprint of a P-256 public key (base64url SHA-256 of the canonical JWK).</summary>
    public static string Thumbprint(ECDsa key)
    {
        var parameters = key.ExportParameters(includePrivateParameters: false);
        var canonical = $$"""{"crv":"P-256","kty":"EC","x":"{{Base64Url.EncodeToString(parameters.Q.X)}}","y":"{{Base64Url.EncodeToString(parameters.Q.Y)}}"}""";
        return Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    private static List<SigningKey> Load(string dataDirectory, ILogger logger)
    {
        var directory = Path.Combine(dataDirectory, "keys");
        Directory.CreateDirectory(directory);
        var loaded = new List<SigningKey>();
        foreach (var path in Directory.EnumerateFiles(directory, FilePrefix + "*.pem"))
        {
            var key = ECDsa.Create();
            try
            {
                key.ImportFromPem(File.ReadAllText(path));
                if (key.KeySize != 256)
                {
                    throw new CryptographicException($"Expected a P-256 key, found {key.KeySize} bits.");
                }

                loaded.Add(new SigningKey(Thumbprint(key), key, File.GetLastWriteTimeUtc(path)));
            }
            catch (Exception ex) when (ex is CryptographicException or ArgumentException or IOException)
            {
                key.Dispose();
                Log.SigningKeyUnreadable(logger, path, ex);
            }
        }

        if (loaded.Count == 0)
        {
            loaded.Add(Generate(directory, logger));
        }

        return [.. loaded.OrderByDescending(k => k.CreatedUtc).ThenBy(k => k.KeyId, StringComparer.Ordinal)];
    }

    private static SigningKey Generate(string directory, ILogger logger)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var keyId = Thumbprint(key);
        var path = Path.Combine(directory, $"{FilePrefix}{keyId}.pem");
        var temporary = path + ".tmp";

        // Created 0600 from the first byte (no window where the private key is world-readable), written under a
        // temporary name and renamed, so a crash never leaves a truncated key that the next start would reject.
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temporary, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(key.ExportPkcs8PrivateKeyPem());
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.Move(temporary, path, overwrite: true);
        Log.SigningKeyGenerated(logger, keyId, path);
        return new SigningKey(keyId, key, File.GetLastWriteTimeUtc(path));
    }
}
