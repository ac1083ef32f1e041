using System.Security.Cryptography;

namespace Wharf.Server.Auth;

/// <summary>One ES256 (P-256) key and its <c>kid</c>, the RFC 7638 thumbprint of its public part.</summary>
internal sealed record SigningKey(string KeyId, ECDsa Key, DateTime CreatedUtc);
