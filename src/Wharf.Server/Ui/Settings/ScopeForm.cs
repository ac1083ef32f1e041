using Wharf.Server.Auth;

namespace Wharf.Server.Ui.Settings;

/// <summary>
/// The scope checkboxes of the token forms. They post as repeated <c>scope</c> fields, which Blazor's form binding does
/// not map to a list, so they are read from the posted form (already read by the time a submit handler runs).
/// </summary>
internal static class ScopeForm
{
    public const string FieldName = "scope";

    /// <summary>The scopes ticked, or an error message naming what was wrong.</summary>
    public static (Scope Scopes, string? Error) Read(HttpContext context)
    {
        var values = context.Request.HasFormContentType ? context.Request.Form[FieldName] : default;
        if (values.Count == 0)
        {
            return (Scope.None, "Choose at least one scope.");
        }

        return Scopes.TryParse(values.Select(v => v ?? ""), out var scopes, out var invalid)
            ? (scopes, null)
            : (Scope.None, $"'{invalid}' is not a known scope.");
    }

    /// <summary>Token lifetimes offered, in days.</summary>
    public static int[] LifetimeDays { get; } = [1, 7, 30, 90, 180, 365];
}
