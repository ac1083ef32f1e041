using System.Collections;
using Wharf.Server.Registry;

namespace Wharf.Server.Events.Webhooks;

/// <summary>
/// The event types the webhook subscriber takes: the registry's, and every type under a project-scoped feature's
/// prefix (<c>models.</c>), so a feature that adds an event type reaches webhooks without a change here. The outbox
/// asks with <c>Contains</c>, which <see cref="Enumerable.Contains{TSource}(IEnumerable{TSource}, TSource)"/> hands to
/// <see cref="ICollection{T}.Contains"/>; enumerating lists the exact types and the prefixes as <c>models.*</c>.
/// </summary>
internal sealed class WebhookEventTypes : ICollection<string>, IReadOnlyCollection<string>
{
    public static readonly WebhookEventTypes Instance = new();

    private static readonly string[] Exact = [ManifestPushed.EventType, ManifestDeleted.EventType, TagDeleted.EventType];

    /// <summary>Features whose events all carry a <c>project</c> field.</summary>
    private static readonly string[] Prefixes = ["models."];

    private WebhookEventTypes()
    {
    }

    public int Count => Exact.Length + Prefixes.Length;

    public bool IsReadOnly => true;

    public bool Contains(string item) =>
        Exact.Contains(item, StringComparer.Ordinal) || Prefixes.Any(p => item.StartsWith(p, StringComparison.Ordinal));

    public IEnumerator<string> GetEnumerator() => Listed().GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public void CopyTo(string[] array, int arrayIndex) => Listed().ToArray().CopyTo(array, arrayIndex);

    private static IEnumerable<string> Listed() => Exact.Concat(Prefixes.Select(p => p + "*"));

    public void Add(string item) => throw new NotSupportedException();

    public void Clear() => throw new NotSupportedException();

    public bool Remove(string item) => throw new NotSupportedException();
}
