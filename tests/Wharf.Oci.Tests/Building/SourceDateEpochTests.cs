using Wharf.Oci.Building;
using Wharf.Oci.Layout;
using Wharf.Oci.Tests.Layout;

namespace Wharf.Oci.Tests.Building;

/// <summary>These tests set a process-wide environment variable, so they run alone.</summary>
[CollectionDefinition(nameof(SourceDateEpochTests), DisableParallelization = true)]
public sealed class SourceDateEpochCollection;

[Collection(nameof(SourceDateEpochTests))]
public sealed class SourceDateEpochTests : IDisposable
{
    private readonly string? _saved = Environment.GetEnvironmentVariable(SourceDateEpoch.VariableName);
    private readonly TempDir _temp = new();

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(SourceDateEpoch.VariableName, _saved);
        _temp.Dispose();
    }

    [Fact]
    public void Resolve_Variable_UsedWhenNoFixedTime()
    {
        Environment.SetEnvironmentVariable(SourceDateEpoch.VariableName, "1700000000");

        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), SourceDateEpoch.Resolve());
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(5), SourceDateEpoch.Resolve(DateTimeOffset.FromUnixTimeSeconds(5)));
    }

    [Fact]
    public void Resolve_NoVariable_UnixEpoch()
    {
        Environment.SetEnvironmentVariable(SourceDateEpoch.VariableName, null);

        Assert.Equal(DateTimeOffset.UnixEpoch, SourceDateEpoch.Resolve());
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("99999999999999999999")]
    public void Resolve_InvalidVariable_ClearError(string value)
    {
        Environment.SetEnvironmentVariable(SourceDateEpoch.VariableName, value);

        var ex = Assert.Throws<ImageBuildException>(() => SourceDateEpoch.Resolve());

        Assert.Contains("SOURCE_DATE_EPOCH", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BuildAsync_WithVariable_ConfigCreatedAndLayerTimesFollowIt()
    {
        Environment.SetEnvironmentVariable(SourceDateEpoch.VariableName, "1700000000");
        var output = await OciImageLayout.CreateAsync(_temp.Combine("out"));
        var layer = new DeterministicLayer().AddFile("/a", 1, _ => Task.FromResult<Stream>(new MemoryStream([1])));

        var fromEnv = await new ImageBuilder().AddLayer(layer, "a").BuildAsync(new OciLayoutImageSink(output), "env");
        var fixedTime = await new ImageBuilder(new ImageBuilderOptions { Created = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000) })
            .AddLayer(layer, "a").BuildAsync(new OciLayoutImageSink(output), "fixed");

        Assert.Equal(fixedTime.Manifest, fromEnv.Manifest);
        var config = System.Text.Encoding.UTF8.GetString(await output.ReadSmallBlobAsync(fromEnv.Config));
        Assert.Contains("\"created\":\"2023-11-14T22:13:20Z\"", config, StringComparison.Ordinal);
    }
}
