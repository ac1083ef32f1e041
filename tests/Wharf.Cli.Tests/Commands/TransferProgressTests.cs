using Wharf.Cli.Commands;

namespace Wharf.Cli.Tests.Commands;

public sealed class TransferProgressTests
{
    [Fact]
    public async Task ProgressStream_CopyThrough_CountsEveryByteAndCompletesWithTotal()
    {
        var payload = new byte[300_000];
        Random.Shared.NextBytes(payload);
        using var output = new StringWriter();
        var progress = new TransferProgress(output, "Uploading w.bin", payload.Length, TimeProvider.System);
        using var destination = new MemoryStream();

        await using (var source = new ProgressStream(new MemoryStream(payload), progress))
        {
            await source.CopyToAsync(destination);
        }

        progress.Complete();

        Assert.Equal(payload, destination.ToArray());
        var lastDraw = output.ToString().Split('\r')[^1];
        Assert.Equal("Uploading w.bin  293.0 KiB / 293.0 KiB  100%" + Environment.NewLine, lastDraw);
    }

    [Fact]
    public void ForConsole_OutputNotTheConsoleOrJsonAsked_DrawsNothing()
    {
        using var writer = new StringWriter();

        Assert.Null(TransferProgress.ForConsole(writer, OutputFormat.Text, "x", 10));
        Assert.Null(TransferProgress.ForConsole(Console.Error, OutputFormat.Json, "x", 10));
    }
}
