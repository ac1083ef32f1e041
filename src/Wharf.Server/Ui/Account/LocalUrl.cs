namespace Wharf.Server.Ui.Account;

/// <summary>Where a sign-in may send the browser afterwards: only a path on this server (no open redirect).</summary>
internal static class LocalUrl
{
    /// <summary>
    /// <paramref name="returnUrl"/> when it is a rooted local path, else <c>/</c>. Absolute URLs, protocol-relative
    /// <c>//host</c> and <c>/\host</c> (which browsers treat alike) and control characters are all refused.
    /// </summary>
    public static string OrRoot(string? returnUrl)
    {
        if (string.IsNullOrEmpty(returnUrl) || returnUrl[0] != '/' || returnUrl.Length > 2048)
        {
            return "/";
        }

        if (returnUrl.Length > 1 && returnUrl[1] is '/' or '\\')
        {
            return "/";
        }

        return returnUrl.Any(c => char.IsControl(c) || c == '\\') ? "/" : returnUrl;
    }
}
