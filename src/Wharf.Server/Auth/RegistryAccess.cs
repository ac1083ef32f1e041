namespace Wharf.Server.Auth;

/// <summary>One entry of a registry token's <c>access</c> claim: <c>{"type","name","actions"}</c>.</summary>
internal sealed record RegistryAccess(string Type, string Name, IReadOnlyList<string> Actions);
