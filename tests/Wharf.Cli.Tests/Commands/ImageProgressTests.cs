using Wharf.Cli.Commands;
using Wharf.Oci;
using Wharf.Oci.Registry;
using OciTransferProgress = Wharf.Oci.Registry.TransferProgress;

namespace Wharf.Cli.Tests.Commands;

public sealed class ImageProgressTests
{
    private static readonly Descriptor Uploaded = new(MediaTypes.OciLayerGzip, Digest.Sha256("a"u8), 1000);
    private static readonly Descriptor Mounted = new(MediaTypes.OciLayerTar, Digest.Sha256("b"u8), 5000);
    private static readonly Descriptor Present = new(MediaTypes.OciConfig, Digest.Sha256("c"u8), 300);

    [Fact]
    public async Task Report_NotATerminal_OneLinePerStateChange_BytesOnlyForUploads()
    {
        using var stderr = new StringWriter();
        var progress = ImageProgress.Create(stderr, OutputFormat.Text);
        progress.Name(Mounted.Digest, "model/iris.onnx");

        await progress.RunAsync(() =>
        {
            progress.Report(new OciTransferProgress(Uploaded, 0, 1000, TransferState.Checking));
            progress.Report(new OciTransferProgress(Uploaded, 0, 1000, TransferState.Uploading));
            for (var done = 100; done <= 1000; done += 100)
            {
                progress.Report(new OciTransferProgress(Uploaded, done, 1000, TransferState.Uploading));
            }

            progress.Report(new OciTransferProgress(Uploaded, 1000, 1000, TransferState.Done));
            progress.Report(new OciTransferProgress(Mounted, 0, 5000, TransferState.Checking));
            progress.Report(new OciTransferProgress(Mounted, 0, 5000, TransferState.Mounted));
            progress.Report(new OciTransferProgress(Present, 0, 300, TransferState.Checking));
            progress.Report(new OciTransferProgress(Present, 0, 300, TransferState.Skipped));
            return Task.FromResult(0);
        });

        var lines = stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(7, lines.Length);
        Assert.Matches(@"^model/iris\.onnx\s+4\.9 KiB\s+mounted$", lines[4].TrimEnd('\r'));
        Assert.Equal(1000, progress.BytesTransferred);
        Assert.Equal(
            [("done", 1000L), ("mounted", 0L), ("skipped", 0L)],
            progress.Blobs.Select(b => (ImageProgress.Text(b.State), b.Bytes)));
    }

    [Fact]
    public async Task Report_Terminal_DrawsABarPerBlobWithItsState()
    {
        using var screen = new StringWriter();
        var console = Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings
        {
            Out = new Spectre.Console.AnsiConsoleOutput(screen),
            Interactive = Spectre.Console.InteractionSupport.Yes,
            Ansi = Spectre.Console.AnsiSupport.Yes,
        });
        var progress = ImageProgress.ForConsole(TextWriter.Null, console);
        progress.Name(Mounted.Digest, "model/iris.onnx");

        var result = await progress.RunAsync(async () =>
        {
            progress.Report(new OciTransferProgress(Uploaded, 0, 1000, TransferState.Uploading));
            await Task.Yield();
            progress.Report(new OciTransferProgress(Uploaded, 1000, 1000, TransferState.Done));
            progress.Report(new OciTransferProgress(Mounted, 0, 5000, TransferState.Mounted));
            progress.Note("a note");
            return 42;
        });

        Assert.Equal(42, result);
        var text = screen.ToString();
        Assert.Contains("model/iris.onnx  mounted", text, StringComparison.Ordinal);
        Assert.Contains("done", text, StringComparison.Ordinal);
        Assert.Contains("a note", text, StringComparison.Ordinal);
        Assert.Equal(1000, progress.BytesTransferred);
    }

    [Fact]
    public void Note_Json_GoesToStderr()
    {
        using var stderr = new StringWriter();
        var progress = ImageProgress.Create(stderr, OutputFormat.Json);

        progress.Note("copying");

        Assert.Equal("copying" + Environment.NewLine, stderr.ToString());
    }
}
