namespace Wharf.Server.Tests.Infrastructure;

/// <summary>Reads the bootstrap administrator's token that a server wrote to its data directory on first start.</summary>
public static class AdminTokens
{
    public static string Read(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, "admin-token");
        return File.Exists(path)
            ? File.ReadAllText(path).Trim()
            : throw new InvalidOperationException($"{path} does not exist: the server has not completed its first start");
    }
}
