namespace Wharf.Server.Auth;

/// <summary>
/// A row of <c>audit_log</c>: one authentication decision or administrative action. Never holds a secret: actors
/// are names and ids, targets are names and ids, and free text is cut to the column length.
/// </summary>
internal sealed class AuditEntry
{
    public const int MaxActorLength = 200;
    public const int MaxActionLength = 64;
    public const int MaxTargetLength = 300;
    public const int MaxOutcomeLength = 200;
    public const int MaxRemoteAddressLength = 64;

    public long Id { get; set; }

    public DateTimeOffset At { get; init; }

    public required string Actor { get; init; }

    public required string Action { get; init; }

    public string? Target { get; init; }

    public required string Outcome { get; init; }

    public string? RemoteAddress { get; init; }
}
