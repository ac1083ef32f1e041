using System.Text.Json;
using System.Text.Json.Nodes;

namespace Wharf.Cli;

/// <summary>
/// Tokens saved by <c>wharf login</c>, per server, in <c>credentials.json</c> under <c>$XDG_CONFIG_HOME/wharf</c>
/// (default <c>~/.config/wharf</c>). The file is only ever readable by its owner (0600, directory 0700) and is
/// replaced atomically (write a temp file beside it, then rename), so a crash never leaves half a file and a
/// concurrent reader sees the old or the new content. Layout: <c>{"servers": {"http://host:port": {"token": "..."}}}</c>.
/// </summary>
internal sealed class CredentialStore(string directory)
{
    public const string FileName = "credentials.json";
    public const string ConfigHomeEnvironmentVariable = "XDG_CONFIG_HOME";

    public string Path { get; } = System.IO.Path.Combine(directory, FileName);

    /// <summary>The store in <paramref name="configDirectory"/> (tests, <c>--config-dir</c>), else the XDG location.</summary>
    public static CredentialStore Open(string? configDirectory)
    {
        if (!string.IsNullOrWhiteSpace(configDirectory))
        {
            return new CredentialStore(configDirectory);
        }

        var home = Environment.GetEnvironmentVariable(ConfigHomeEnvironmentVariable) is { Length: > 0 } xdg
            ? xdg
            : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
        return new CredentialStore(System.IO.Path.Combine(home, "wharf"));
    }

    /// <summary>The key of a server: scheme, host, port and path without a trailing slash, so equal addresses match.</summary>
    public static string KeyOf(Uri server) => server.GetLeftPart(UriPartial.Path).TrimEnd('/');

    public string? Find(Uri server)
    {
        var root = Read();
        return root?["servers"]?[KeyOf(server)]?["token"]?.GetValue<string>();
    }

    public void Save(Uri server, string token)
    {
        var root = Read() ?? [];
        if (root["servers"] is not JsonObject servers)
        {
            servers = [];
            root["servers"] = servers;
        }

        servers[KeyOf(server)] = new JsonObject { ["token"] = token };
        Write(root);
    }

    /// <summary>Forgets the server's token; false when none was stored.</summary>
    public bool Remove(Uri server)
    {
        var root = Read();
        if (root?["servers"] is not JsonObject servers || !servers.Remove(KeyOf(server)))
        {
            return false;
        }

        Write(root);
        return true;
    }

    private JsonObject? Read()
    {
        try
        {
            return File.Exists(Path) ? JsonNode.Parse(File.ReadAllText(Path)) as JsonObject : null;
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{Path} is not valid JSON ({ex.Message}); fix or delete it, then log in again", ex);
        }
    }

    private void Write(JsonObject root)
    {
        var directory = System.IO.Path.GetDirectoryName(Path)!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var temp = System.IO.Path.Combine(directory, $".{FileName}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            // Created with 0600 from the start: there is no moment in which the token is readable by others.
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using (var stream = new FileStream(temp, options))
            {
                using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
                {
                    root.WriteTo(writer);
                }

                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, Path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
