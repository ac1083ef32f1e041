using Wharf.Server.Events;

namespace Wharf.Server.Images;

/// <summary>The image build of a model version failed; nothing was tagged. Reason is the log's last word.</summary>
internal sealed record ModelImageFailed(string Project, string Model, int Version, string Reference, string Reason) : IDomainEvent
{
    public static string EventType => "models.image-failed";
}
