using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Wharf.Interop.Tests.Infrastructure;
using Wharf.Oci.Building;
using Wharf.Oci.Layout;

namespace Wharf.Interop.Tests.Images;

/// <summary>
/// A base image made on this machine, because nothing can be pulled from outside here: one deterministic layer with
/// exactly what a self-contained .NET app and ONNX Runtime's native library need from the host (Debian 12): the
/// dynamic loader and the glibc libraries, libstdc++ and libgcc_s (found with <c>ldd</c> on the published runtime,
/// plus the glibc libraries .NET opens with dlopen), the merged-/usr symlinks, /etc/passwd and /etc/group with a
/// non-root user, and /tmp. Written as the OCI layout tag <see cref="Reference"/> (linux/amd64); the builder reads
/// it like any other base.
/// </summary>
/// <remarks>
/// Cached under <c>~/.cache/wharf-tests/base-images/glibc-&lt;version&gt;-&lt;hash&gt;</c> (the hash covers every
/// file's path, size and mtime), so repeated runs reuse it and a library upgrade makes a new one.
/// <para>
/// /tmp is 0755 and root's: <see cref="DeterministicLayer"/> normalises every directory to 0755 and has no mode
/// override, so a sticky 1777 /tmp cannot be expressed yet. Nothing wharf-serve does needs /tmp (.NET's diagnostics
/// socket is skipped quietly when it cannot be made), and the user's home is /tmp only so HOME names a directory.
/// </para>
/// </remarks>
internal static partial class MinimalBaseImage
{
    public const string Reference = "base:latest";

    public const string UserName = "wharf";

    public const int UserId = 1000;

    /// <summary>Loaded by the .NET runtime only when LTTng tracing is on; its missing liblttng-ust is expected.</summary>
    private const string OptionalTracingLibrary = "libcoreclrtraceptprovider.so";

    private const string LibraryDirectory = "/lib/x86_64-linux-gnu";

    /// <summary>glibc and the C++ runtime: .NET dlopens some of these by name, so ldd does not always list them.</summary>
    private static readonly string[] AlwaysIncluded =
        ["libc.so.6", "libm.so.6", "libdl.so.2", "libpthread.so.0", "librt.so.1", "libstdc++.so.6", "libgcc_s.so.1"];

    /// <summary>The layout holding <see cref="Reference"/>, made now or taken from the cache.</summary>
    /// <param name="runtimeDirectory">The published self-contained runtime whose ELF files say which libraries are needed.</param>
    public static async Task<(OciImageLayout Layout, bool FromCache)> GetOrCreateAsync(string runtimeDirectory)
    {
        var libraries = await FindLibrariesAsync(runtimeDirectory);
        var entries = new SortedDictionary<string, HostEntry>(StringComparer.Ordinal);
        foreach (var top in new[] { "/lib", "/lib64" })
        {
            if (new FileInfo(top).LinkTarget is { } target)
            {
                entries[top] = new HostEntry(top, target, null);
            }
        }

        foreach (var library in libraries)
        {
            AddHostPath(library, entries, depth: 0);
        }

        var directory = Path.Combine(CacheRoot(), $"glibc-{await LibcVersionAsync()}-{Key(entries.Values)}");
        if (File.Exists(Path.Combine(directory, "index.json")))
        {
            return (await OciImageLayout.OpenAsync(directory), true);
        }

        // Built beside the cache entry and renamed into place, so a crashed or concurrent run never leaves half a base.
        var staging = $"{directory}.tmp-{Guid.NewGuid():N}";
        try
        {
            var layout = await OciImageLayout.CreateAsync(staging);
            await BuildAsync(entries.Values, layout);
            try
            {
                Directory.Move(staging, directory);
            }
            catch (IOException) when (File.Exists(Path.Combine(directory, "index.json")))
            {
                // Another run made it first; theirs is the same image.
            }
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }

        return (await OciImageLayout.OpenAsync(directory), false);
    }

    private static async Task BuildAsync(IEnumerable<HostEntry> entries, OciImageLayout layout)
    {
        var layer = new DeterministicLayer();
        foreach (var entry in entries)
        {
            if (entry.LinkTarget is not null)
            {
                layer.AddSymlink(entry.ImagePath, entry.LinkTarget);
            }
            else
            {
                layer.AddFile(entry.ImagePath, entry.SourceFile!);
            }
        }

        layer.AddDirectory("/tmp");
        AddText(layer, "/etc/passwd", $"root:x:0:0:root:/root:/bin/sh\n{UserName}:x:{UserId}:{UserId}:wharf-serve:/tmp:/bin/false\n");
        AddText(layer, "/etc/group", $"root:x:0:\n{UserName}:x:{UserId}:\n");
        var builder = new ImageBuilder();
        builder.Env["PATH"] = "/usr/local/bin:/usr/bin:/bin";
        builder.Labels["org.opencontainers.image.description"] = "glibc, libstdc++ and libgcc_s from the host, for self-contained .NET apps";
        builder.AddLayer(layer, "wharf-tests: minimal glibc root filesystem from the host");
        await builder.BuildAsync(new OciLayoutImageSink(layout), Reference);
    }

    private static void AddText(DeterministicLayer layer, string path, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        layer.AddFile(path, bytes.Length, _ => Task.FromResult<Stream>(new MemoryStream(bytes, writable: false)));
    }

    /// <summary>
    /// Adds a host path at the same place in the image: the file itself at its canonical directory (so /lib/x/libc.so.6
    /// lands in /usr/lib/x, which /lib points at), and every symlink on the way kept as a symlink, followed to a file.
    /// </summary>
    private static void AddHostPath(string path, SortedDictionary<string, HostEntry> entries, int depth)
    {
        if (depth > 16)
        {
            throw new InvalidOperationException($"{path}: too many levels of symlinks");
        }

        var directory = RealDirectory(Path.GetDirectoryName(path)!, depth);
        var canonical = Path.Combine(directory, Path.GetFileName(path));
        if (entries.ContainsKey(canonical))
        {
            return;
        }

        var info = new FileInfo(canonical);
        if (info.LinkTarget is { } target)
        {
            entries[canonical] = new HostEntry(canonical, target, null);
            AddHostPath(target.StartsWith('/') ? target : Path.GetFullPath(Path.Combine(directory, target)), entries, depth + 1);
            return;
        }

        if (!info.Exists)
        {
            throw new InvalidOperationException($"{canonical} (for {path}) does not exist on this machine");
        }

        entries[canonical] = new HostEntry(canonical, null, canonical);
    }

    /// <summary>A directory's path with every symlink in it resolved, as realpath(3) gives it.</summary>
    private static string RealDirectory(string path, int depth)
    {
        if (depth > 16)
        {
            throw new InvalidOperationException($"{path}: too many levels of symlinks");
        }

        var current = "/";
        foreach (var segment in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var next = Path.GetFullPath(Path.Combine(current, segment));
            current = new FileInfo(next).LinkTarget is { } target
                ? RealDirectory(target.StartsWith('/') ? target : Path.GetFullPath(Path.Combine(current, target)), depth + 1)
                : next;
        }

        return current;
    }

    /// <summary>Every library the runtime's ELF files link (by ldd) and the loader, plus <see cref="AlwaysIncluded"/>.</summary>
    private static async Task<SortedSet<string>> FindLibrariesAsync(string runtimeDirectory)
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var name in AlwaysIncluded)
        {
            found.Add(Path.Combine(LibraryDirectory, name));
        }

        var elfFiles = Directory.EnumerateFiles(runtimeDirectory)
            .Where(f => IsElf(f) && !string.Equals(Path.GetFileName(f), OptionalTracingLibrary, StringComparison.Ordinal))
            .ToList();
        if (elfFiles.Count == 0)
        {
            throw new InvalidOperationException($"no ELF files in {runtimeDirectory}");
        }

        foreach (var file in elfFiles)
        {
            var result = (await ProcessRunner.RunAsync("ldd", [file])).EnsureSuccess();
            foreach (var line in result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (line.Contains("not found", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"{file} needs a library this machine lacks: {line}");
                }

                var match = LddLine().Match(line);
                if (match.Success && !match.Groups["path"].Value.StartsWith(runtimeDirectory, StringComparison.Ordinal))
                {
                    found.Add(match.Groups["path"].Value);
                }
            }
        }

        return found;
    }

    private static bool IsElf(string file)
    {
        Span<byte> magic = stackalloc byte[4];
        using var stream = File.OpenRead(file);
        return stream.Read(magic) == 4 && magic.SequenceEqual("\u007fELF"u8);
    }

    private static async Task<string> LibcVersionAsync()
    {
        var first = (await ProcessRunner.RunAsync("ldd", ["--version"])).EnsureSuccess().Stdout.Split('\n')[0];
        var match = GlibcVersion().Match(first);
        var version = match.Success ? match.Groups[1].Value : first.Split(' ').Last();
        return string.Concat(version.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' ? c : '_'));
    }

    private static string Key(IEnumerable<HostEntry> entries)
    {
        var text = new StringBuilder("v1\n");
        foreach (var entry in entries)
        {
            var stamp = entry.SourceFile is null ? string.Empty : $"{new FileInfo(entry.SourceFile).Length}:{File.GetLastWriteTimeUtc(entry.SourceFile).Ticks}";
            text.Append(entry.ImagePath).Append('\0').Append(entry.LinkTarget).Append('\0').Append(stamp).Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16];
    }

    private static string CacheRoot()
    {
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var root = string.IsNullOrEmpty(xdg)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache")
            : xdg;
        var directory = Path.Combine(root, "wharf-tests", "base-images");
        Directory.CreateDirectory(directory);
        return directory;
    }

    /// <summary><c>libc.so.6 =&gt; /lib/x86_64-linux-gnu/libc.so.6 (0x...)</c> or the loader's <c>/lib64/ld-linux-x86-64.so.2 (0x...)</c>.</summary>
    [GeneratedRegex(@"^(?:\S+\s+=>\s+)?(?<path>/\S+)\s+\(0x[0-9a-f]+\)$")]
    private static partial Regex LddLine();

    [GeneratedRegex(@"GLIBC ([^)\s]+)\)")]
    private static partial Regex GlibcVersion();

    /// <summary>A file (<see cref="SourceFile"/>) or symlink (<see cref="LinkTarget"/>) at the same path in the image as on the host.</summary>
    private sealed record HostEntry(string ImagePath, string? LinkTarget, string? SourceFile);
}
