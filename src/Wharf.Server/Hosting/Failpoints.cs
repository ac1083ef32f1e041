using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Wharf.Server.Hosting;

/// <summary>
/// Named points where fault tests inject failures: <c>Failpoints.Hit("blob.beforeRename")</c>.
/// </summary>
/// <remarks>
/// <para>
/// Out of process they are switched on with the environment variable <c>WHARF_FAILPOINTS</c>, a comma-separated list
/// of <c>name=action</c> or <c>name=action@N</c> (act from the N-th hit on; earlier hits pass), for example
/// <c>blob.beforeRename=pause,blob.write=enospc@3</c>. Actions: <c>pause</c> (signal, then block forever so the test
/// can kill the process), <c>exit</c> (SIGKILL the own process: no finally blocks, no flushing), <c>enospc</c>
/// (throw the <see cref="IOException"/> a full disk throws), <c>throw</c> (throw <see cref="InvalidOperationException"/>).
/// A paused process signals by writing the failpoint name to the file named by <c>WHARF_FAILPOINTS_SIGNAL</c> and a
/// line to stderr.
/// </para>
/// <para>
/// In process, tests use <see cref="Enable"/>, which is scoped to the calling async flow so that tests running in
/// parallel in the same process do not see each other's faults.
/// </para>
/// <para>
/// When nothing is enabled a hit costs one read of a static readonly field (which the JIT folds to a constant) and
/// one volatile read, so the points stay compiled into release builds.
/// </para>
/// </remarks>
internal static class Failpoints
{
    public const string EnvironmentVariable = "WHARF_FAILPOINTS";
    public const string SignalEnvironmentVariable = "WHARF_FAILPOINTS_SIGNAL";

    private static readonly FrozenDictionary<string, Rule>? s_fromEnvironment =
        Parse(Environment.GetEnvironmentVariable(EnvironmentVariable));

    private static readonly AsyncLocal<ImmutableDictionary<string, Rule>?> s_scoped = new();
    private static int s_scopedCount;

    /// <summary>What a failpoint does when it fires.</summary>
    public enum FailAction
    {
        Pause,
        Exit,
        Enospc,
        Throw,
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Hit(string name)
    {
        if (s_fromEnvironment is null && Volatile.Read(ref s_scopedCount) == 0)
        {
            return;
        }

        HitSlow(name);
    }

    /// <summary>
    /// Enables a failpoint for the current async flow (and the flows it starts) until the scope is disposed.
    /// A paused hit blocks until then.
    /// </summary>
    public static Scope Enable(string name, FailAction action, int fromHit = 1)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(fromHit, 1);
        var rule = new Rule(name, action, fromHit);
        var previous = s_scoped.Value;
        s_scoped.Value = (previous ?? ImmutableDictionary<string, Rule>.Empty.WithComparers(StringComparer.Ordinal)).SetItem(name, rule);
        Interlocked.Increment(ref s_scopedCount);
        return new Scope(rule, previous);
    }

    /// <summary>Parses a <c>WHARF_FAILPOINTS</c> value; null or blank means none.</summary>
    internal static FrozenDictionary<string, Rule>? Parse(string? specification)
    {
        if (string.IsNullOrWhiteSpace(specification))
        {
            return null;
        }

        var rules = new Dictionary<string, Rule>(StringComparer.Ordinal);
        foreach (var item in specification.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = item.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new FormatException($"{EnvironmentVariable}: '{item}' is not of the form name=action");
            }

            var name = item[..equals].Trim();
            var actionText = item[(equals + 1)..].Trim();
            var fromHit = 1;
            var at = actionText.IndexOf('@', StringComparison.Ordinal);
            if (at >= 0)
            {
                if (!int.TryParse(actionText.AsSpan(at + 1), out fromHit) || fromHit < 1)
                {
                    throw new FormatException($"{EnvironmentVariable}: '{item}' must count hits from 1, as in {name}=pause@2");
                }

                actionText = actionText[..at];
            }

            var action = actionText switch
            {
                "pause" => FailAction.Pause,
                "exit" => FailAction.Exit,
                "enospc" => FailAction.Enospc,
                "throw" => FailAction.Throw,
                _ => throw new FormatException(
                    $"{EnvironmentVariable}: unknown action '{actionText}' for '{name}' (pause, exit, enospc, throw)"),
            };
            rules[name] = new Rule(name, action, fromHit);
        }

        return rules.Count == 0 ? null : rules.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>The exception <c>enospc</c> throws: the same type, message and HResult the runtime gives a full disk.</summary>
    internal static IOException DiskFull(string name)
        => new($"No space left on device (failpoint {name})", OperatingSystem.IsWindows() ? unchecked((int)0x80070070) : 28);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void HitSlow(string name)
    {
        // The scoped rule wins, so an in-process test can override what the environment says.
        if ((s_scoped.Value is { } scoped && scoped.TryGetValue(name, out var rule))
            || (s_fromEnvironment is { } environment && environment.TryGetValue(name, out rule)))
        {
            if (Interlocked.Increment(ref rule.Hits) >= rule.FromHit)
            {
                Fire(rule);
            }
        }
    }

    private static void Fire(Rule rule)
    {
        switch (rule.Action)
        {
            case FailAction.Enospc:
                throw DiskFull(rule.Name);
            case FailAction.Throw:
                throw new InvalidOperationException($"failpoint {rule.Name} fired");
            case FailAction.Exit:
                // SIGKILL ourselves: nothing below this line runs, exactly like a crash or an OOM kill.
                Process.GetCurrentProcess().Kill();
                Thread.Sleep(Timeout.Infinite);
                break;
            case FailAction.Pause:
                Signal(rule.Name);
                rule.Reached.TrySetResult();
                rule.Released.Wait();
                break;
        }
    }

    private static void Signal(string name)
    {
        Console.Error.WriteLine($"failpoint {name} reached; pausing");
        if (Environment.GetEnvironmentVariable(SignalEnvironmentVariable) is { Length: > 0 } signalPath)
        {
            // Written under a temp name and renamed so the waiting test never reads a half-written marker.
            var temp = signalPath + ".tmp";
            File.WriteAllText(temp, name);
            File.Move(temp, signalPath, overwrite: true);
        }
    }

    /// <summary>An enabled failpoint; hits are counted across all flows that see it.</summary>
    internal sealed class Rule(string name, FailAction action, int fromHit)
    {
        public int Hits;

        public string Name { get; } = name;

        public FailAction Action { get; } = action;

        public int FromHit { get; } = fromHit;

        /// <summary>Set when an in-process scope ends; environment rules are never released.</summary>
        public ManualResetEventSlim Released { get; } = new(false);

        /// <summary>Completes when a <c>pause</c> was reached, so an in-process test can act while a writer waits.</summary>
        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>An in-process failpoint; disposing it disables the point and releases paused hits.</summary>
    internal sealed class Scope : IDisposable
    {
        private readonly Rule _rule;
        private readonly ImmutableDictionary<string, Rule>? _previous;
        private int _disposed;

        internal Scope(Rule rule, ImmutableDictionary<string, Rule>? previous)
        {
            _rule = rule;
            _previous = previous;
        }

        /// <summary>How many times the point was hit while enabled.</summary>
        public int Hits => Volatile.Read(ref _rule.Hits);

        /// <summary>Completes when a <c>pause</c> point is reached; the paused flow waits until disposal.</summary>
        public Task Reached => _rule.Reached.Task;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
            {
                return;
            }

            s_scoped.Value = _previous;
            Interlocked.Decrement(ref s_scopedCount);
            _rule.Released.Set();
        }
    }
}
