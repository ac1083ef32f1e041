namespace Wharf.Client.Auth;

/// <summary>A page of the audit log, newest first.</summary>
/// <param name="Items">The entries.</param>
/// <param name="Next">Pass as <c>before</c> for the next (older) page; null at the end.</param>
public sealed record AuditPage(IReadOnlyList<AuditEntryInfo> Items, long? Next);
