using Spectre.Console;
using Wharf.Client;
using Wharf.Oci;
using Wharf.Oci.Registry;
using OciTransferProgress = Wharf.Oci.Registry.TransferProgress;

namespace Wharf.Cli.Commands;

/// <summary>
/// Shows the blobs of a push, pull or build as they move, and remembers where each ended. For a person at a terminal:
/// one Spectre.Console bar per blob with bytes and speed, its state in the label (checking, skipped, mounted,
/// uploading, downloading, done). Otherwise (a pipe, a log, <c>--format json</c>): one plain line on stderr per state
/// change, never per byte. Reports arrive from several upload threads at once, hence the lock.
/// </summary>
internal sealed class ImageProgress : IProgress<OciTransferProgress>
{
    private readonly Lock _gate = new();
    private readonly Dictionary<Digest, Entry> _entries = [];
    private readonly List<Entry> _order = [];
    private readonly Dictionary<Digest, string> _names = [];
    private readonly TextWriter _stderr;
    private readonly IAnsiConsole? _console;
    private ProgressContext? _context;

    private ImageProgress(TextWriter stderr, IAnsiConsole? console)
    {
        _stderr = stderr;
        _console = console;
    }

    /// <summary>Bars when <paramref name="stderr"/> is the console's and a terminal and the format is text; lines otherwise.</summary>
    public static ImageProgress Create(TextWriter stderr, OutputFormat format)
    {
        var live = format == OutputFormat.Text && ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected;
        return new ImageProgress(stderr, live ? AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) }) : null);
    }

    /// <summary>Bars drawn on <paramref name="console"/> (tests give one that records).</summary>
    public static ImageProgress ForConsole(TextWriter stderr, IAnsiConsole console) => new(stderr, console);

    /// <summary>Every blob seen, in the order first seen, with its last state.</summary>
    public IReadOnlyList<BlobOutcome> Blobs
    {
        get
        {
            lock (_gate)
            {
                return [.. _order.Select(e => new BlobOutcome(e.Descriptor, NameOf(e.Descriptor), e.State!.Value, e.Transferred))];
            }
        }
    }

    /// <summary>Bytes sent to (or fetched from) the registry for blobs, not counting skipped and mounted ones.</summary>
    public long BytesTransferred
    {
        get
        {
            lock (_gate)
            {
                return _order.Sum(e => e.Transferred);
            }
        }
    }

    /// <summary>Gives a blob a readable name (<c>config</c>, <c>model/iris.onnx</c>) instead of its short digest.</summary>
    public void Name(Digest digest, string name)
    {
        lock (_gate)
        {
            _names[digest] = name;
        }
    }

    /// <summary>A human line on stderr (above the bars when they are drawn).</summary>
    public void Note(string text)
    {
        lock (_gate)
        {
            if (_console is not null)
            {
                _console.MarkupLine(Markup.Escape(text));
            }
            else
            {
                _stderr.WriteLine(text);
            }
        }
    }

    /// <summary>Runs <paramref name="body"/> with the bars drawn around it (or as is, without bars).</summary>
    public async Task<T> RunAsync<T>(Func<Task<T>> body)
    {
        if (_console is null)
        {
            return await body();
        }

        return await _console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new DownloadedColumn(), new TransferSpeedColumn())
            .StartAsync(async context =>
            {
                lock (_gate)
                {
                    _context = context;
                }

                try
                {
                    return await body();
                }
                finally
                {
                    lock (_gate)
                    {
                        _context = null;
                    }
                }
            });
    }

    public void Report(OciTransferProgress value)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue(value.Digest, out var entry))
            {
                entry = new Entry(value.Descriptor);
                _entries[value.Digest] = entry;
                _order.Add(entry);
            }

            var changed = entry.State != value.State;
            if (value.State == TransferState.Done && entry.State is TransferState.Uploading or TransferState.Downloading)
            {
                entry.Transferred = value.Total;
            }

            entry.State = value.State;
            entry.Done = value.BytesDone;
            if (_context is not null)
            {
                Draw(entry);
            }
            else if (changed && _console is null)
            {
                _stderr.WriteLine($"{NameOf(entry.Descriptor),-40} {ByteSize.Format(entry.Descriptor.Size),10}  {Text(value.State)}");
            }
        }
    }

    public static string Text(TransferState state) => state.ToString().ToLowerInvariant();

    private void Draw(Entry entry)
    {
        var size = Math.Max(1, entry.Descriptor.Size);
        entry.Task ??= _context!.AddTask(Markup.Escape(NameOf(entry.Descriptor)), maxValue: size);
        entry.Task.Description = Markup.Escape($"{NameOf(entry.Descriptor)}  {Text(entry.State!.Value)}");
        if (entry.State is TransferState.Skipped or TransferState.Mounted or TransferState.Done)
        {
            entry.Task.Value = size;
            entry.Task.StopTask();
        }
        else
        {
            entry.Task.Value = Math.Min(size, entry.Done);
        }
    }

    private string NameOf(Descriptor descriptor)
        => _names.TryGetValue(descriptor.Digest, out var name)
            ? name
            : $"{(descriptor.MediaType.Contains("config", StringComparison.Ordinal) ? "config" : "layer")} {RegistryText.ShortDigest(descriptor.Digest.ToString())}";

    private sealed class Entry(Descriptor descriptor)
    {
        public Descriptor Descriptor { get; } = descriptor;

        public TransferState? State { get; set; }

        public long Done { get; set; }

        public long Transferred { get; set; }

        public ProgressTask? Task { get; set; }
    }
}
