using System.Text;

namespace Wharf.Server.Ui.Shared;

/// <summary>Links between UI pages: a path with the query parameters that have a value, each escaped.</summary>
internal static class PageUrl
{
    public static string WithQuery(string path, params (string Name, string? Value)[] parameters)
    {
        var url = new StringBuilder(path);
        var separator = '?';
        foreach (var (name, value) in parameters)
        {
            if (string.IsNullOrEmpty(value))
            {
                continue;
            }

            url.Append(separator).Append(name).Append('=').Append(Uri.EscapeDataString(value));
            separator = '&';
        }

        return url.ToString();
    }
}
