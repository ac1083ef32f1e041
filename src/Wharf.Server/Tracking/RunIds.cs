using System.Security.Cryptography;

namespace Wharf.Server.Tracking;

/// <summary>MLflow run ids: 32 lowercase hex digits (a UUID without dashes), random.</summary>
internal static class RunIds
{
    public static string New() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public static bool IsValid(string? id) => id is { Length: 32 } && id.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');
}
