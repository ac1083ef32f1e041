namespace Wharf.Server.Tracking;

/// <summary>
/// MLflow's run states, stored by name. A run moves forward only: SCHEDULED to RUNNING or a terminal state, RUNNING to
/// a terminal state; a terminal state never changes (setting the same one again is a no-op).
/// </summary>
internal static class RunStatus
{
    public const string Running = "RUNNING";
    public const string Scheduled = "SCHEDULED";
    public const string Finished = "FINISHED";
    public const string Failed = "FAILED";
    public const string Killed = "KILLED";

    // The proto's enum numbers, which a client may send instead of names.
    private static readonly string[] ByNumber = [Running, Scheduled, Finished, Failed, Killed];

    public static bool IsTerminal(string status) => status is Finished or Failed or Killed;

    /// <summary>The canonical name of <paramref name="value"/> (a name, or the proto enum number 1-5), or null.</summary>
    public static string? Parse(string? value)
    {
        if (value is null)
        {
            return null;
        }

        if (int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number))
        {
            return number is >= 1 and <= 5 ? ByNumber[number - 1] : null;
        }

        var upper = value.ToUpperInvariant();
        return Array.IndexOf(ByNumber, upper) >= 0 ? upper : null;
    }

    public static bool CanMove(string from, string to) =>
        from == to
        || (from == Scheduled && to != Scheduled)
        || (from == Running && IsTerminal(to));
}
