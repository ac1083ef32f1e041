namespace Wharf.Client.Auth;

/// <summary>One audit log entry: an authentication decision or an administrative action.</summary>
/// <param name="Id">The entry's id; entries are paged by it, newest first.</param>
/// <param name="At">When it happened.</param>
/// <param name="Actor">Who acted (<c>user:alice</c>, <c>sa:ml/ci</c>, <c>anonymous</c>).</param>
/// <param name="Action">What was done (<c>project.create</c>, <c>access.denied</c>, ...).</param>
/// <param name="Target">What it was done to.</param>
/// <param name="Outcome"><c>ok</c>, or why it was refused.</param>
/// <param name="RemoteAddress">The client's address.</param>
public sealed record AuditEntryInfo(long Id, DateTimeOffset At, string Actor, string Action, string? Target, string Outcome, string? RemoteAddress);
