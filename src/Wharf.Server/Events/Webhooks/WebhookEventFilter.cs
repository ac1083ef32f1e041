using System.Text.RegularExpressions;

namespace Wharf.Server.Events.Webhooks;

/// <summary>
/// A webhook's event filter: event types (<c>registry.manifest-pushed</c>) or prefixes ending in <c>*</c>
/// (<c>models.*</c>); empty means every event of the project. Stored space-separated.
/// </summary>
internal static partial class WebhookEventFilter
{
    public const int MaxEntries = 50;
    public const int MaxEntryLength = 200;

    public static IReadOnlyList<string> Parse(string stored) =>
        stored.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Normalizes (trims, dedupes, sorts) <paramref name="events"/> for storage, or says what is wrong.</summary>
    public static string? Normalize(IReadOnlyList<string>? events, out string stored)
    {
        stored = "";
        if (events is null || events.Count == 0)
        {
            return null;
        }

        if (events.Count > MaxEntries)
        {
            return $"events: at most {MaxEntries} entries";
        }

        var entries = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var entry in events)
        {
            var trimmed = entry?.Trim() ?? "";
            if (trimmed.Length is 0 or > MaxEntryLength || !EntryPattern().IsMatch(trimmed))
            {
                var shown = trimmed.Length > 60 ? trimmed[..60] + "..." : trimmed;
                return $"events: '{shown}' is not an event type; use names like 'registry.manifest-pushed', a prefix like 'models.*', or '*'";
            }

            entries.Add(trimmed);
        }

        stored = entries.Contains("*") ? "" : string.Join(' ', entries);
        return null;
    }

    public static bool Matches(string stored, string eventType)
    {
        if (stored.Length == 0 || string.Equals(eventType, WebhookPayload.PingType, StringComparison.Ordinal))
        {
            return true;
        }

        foreach (var entry in Parse(stored))
        {
            if (entry.EndsWith('*')
                    ? eventType.StartsWith(entry[..^1], StringComparison.Ordinal)
                    : string.Equals(entry, eventType, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    [GeneratedRegex(@"^(\*|[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\.\*)?)$", RegexOptions.CultureInvariant)]
    private static partial Regex EntryPattern();
}
