namespace Wharf.Server.Auth;

/// <summary>Scopes asked for a new token in one project (by id), or in every project when null (admins only).</summary>
internal sealed record TokenGrantRequest(long? ProjectId, Scope Scopes);
