using Wharf.Server.Tests.Storage;

namespace Wharf.Server.Tests;

/// <summary>
/// Entry point of the test assembly. The test runner loads the assembly and never calls it, so fault tests can start
/// <c>dotnet exec Wharf.Server.Tests.dll child &lt;mode&gt; ...</c> as a real process to kill at a failpoint.
/// Without <c>child</c> it does nothing.
/// </summary>
internal static class TestProgram
{
    public static async Task<int> Main(string[] args) => args switch
    {
        ["child", "blob-put", var root, var file] => await BlobStoreChild.PutAsync(root, file),
        ["child", ..] => 2,
        _ => 0,
    };
}
