using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Wharf.Server.Auth;

/// <summary>Checks the parts of a token request the token and service-account endpoints share, naming the bad field.</summary>
internal static class TokenRequests
{
    public static string? CheckName(string? name) =>
        string.IsNullOrWhiteSpace(name) || name.Length > AccessToken.MaxNameLength
            ? $"name: a token name must have 1 to {AccessToken.MaxNameLength} characters"
            : null;

    /// <summary>The lifetime asked for in days (null: the server's default), or an error naming the limit.</summary>
    public static bool TryLifetime(int? days, AuthOptions options, out TimeSpan? lifetime, [NotNullWhen(false)] out string? error)
    {
        lifetime = null;
        error = null;
        if (days is null)
        {
            return true;
        }

        var maxDays = (int)options.MaxTokenLifetime.TotalDays;
        if (days < 1 || days > maxDays)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"expiresInDays: must be between 1 and {maxDays}");
            return false;
        }

        lifetime = TimeSpan.FromDays(days.Value);
        return true;
    }

    /// <summary>Parses a grant's scope names strictly; an empty list is an error too.</summary>
    public static bool TryScopes(IReadOnlyList<string>? names, string field, out Scope scopes, [NotNullWhen(false)] out string? error)
    {
        scopes = Scope.None;
        if (names is null || names.Count == 0)
        {
            error = $"{field}: at least one scope is required, e.g. registry:pull";
            return false;
        }

        if (!Scopes.TryParse(names, out scopes, out var invalid))
        {
            error = $"{field}: '{invalid}' is not a scope; use one of {string.Join(", ", Scopes.Known.Select(k => k.Name))}";
            return false;
        }

        error = null;
        return true;
    }
}
