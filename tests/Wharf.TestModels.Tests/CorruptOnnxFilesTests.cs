using Microsoft.ML.OnnxRuntime;

namespace Wharf.TestModels.Tests;

public sealed class CorruptOnnxFilesTests(IrisModelFixture fixture) : IClassFixture<IrisModelFixture>
{
    [Fact]
    public void WriteTruncated_FailsToLoad()
    {
        var path = Path.Combine(fixture.Directory.FullName, "truncated.onnx");

        CorruptOnnxFiles.WriteTruncated(fixture.Model, path);

        Assert.True(new FileInfo(path).Length > 0);
        Assert.Throws<OnnxRuntimeException>(() => new InferenceSession(path).Dispose());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void WriteRandomBytes_FailsToLoad(int seed)
    {
        var path = Path.Combine(fixture.Directory.FullName, $"random-{seed}.onnx");

        CorruptOnnxFiles.WriteRandomBytes(path, seed);

        Assert.Throws<OnnxRuntimeException>(() => new InferenceSession(path).Dispose());
    }
}
