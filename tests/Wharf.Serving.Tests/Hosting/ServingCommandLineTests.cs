using Wharf.Serving.Hosting;

namespace Wharf.Serving.Tests.Hosting;

public sealed class ServingCommandLineTests
{
    [Theory]
    [InlineData(new[] { "--model-repository", "/models" }, new[] { "--Serving:ModelRepository", "/models" })]
    [InlineData(new[] { "--model-repository=/models" }, new[] { "--Serving:ModelRepository", "/models" })]
    [InlineData(new[] { "--port", "9000" }, new[] { "--urls", "http://127.0.0.1:9000" })]
    [InlineData(new[] { "--Serving:WarmUp", "false" }, new[] { "--Serving:WarmUp", "false" })]
    public void Normalize_Shortcuts_BecomeConfigurationSwitches(string[] args, string[] expected)
    {
        Assert.Equal(expected, ServingCommandLine.Normalize(args));
    }

    [Theory]
    [InlineData("--port")]
    [InlineData("--port", "http")]
    [InlineData("--port", "70000")]
    [InlineData("--model-repository")]
    public void Normalize_MissingOrInvalidValue_Throws(params string[] args)
    {
        Assert.Throws<ArgumentException>(() => ServingCommandLine.Normalize(args));
    }
}
