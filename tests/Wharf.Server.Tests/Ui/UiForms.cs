using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Wharf.Server.Tests.Infrastructure;

namespace Wharf.Server.Tests.Ui;

/// <summary>
/// Posts the UI's server-rendered forms the way a browser does: reads the page, takes the named form's hidden fields
/// (the Blazor handler name and the antiforgery token) and posts them with the given fields, with cookies kept.
/// </summary>
internal static partial class UiForms
{
    /// <summary>A client without the admin token that keeps cookies and does not follow redirects.</summary>
    public static HttpClient BrowserLikeClient(WharfFactory factory)
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        client.DefaultRequestHeaders.Authorization = null;
        return client;
    }

    public static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string username, string password)
    {
        var response = await SubmitAsync(client, "/login", "login", [new("Input.Username", username), new("Input.Password", password)]);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return response;
    }

    public static async Task<HttpResponseMessage> SubmitAsync(
        HttpClient client, string path, string formName, IEnumerable<KeyValuePair<string, string>> fields, bool withAntiforgery = true)
    {
        var html = await client.GetStringAsync(new Uri(path, UriKind.Relative));
        return await PostFormAsync(client, path, html, formName, fields, withAntiforgery);
    }

    /// <summary>Posts a form found in <paramref name="html"/> (a page already fetched), with its hidden fields and the given ones.</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(
        HttpClient client, string path, string html, string formName, IEnumerable<KeyValuePair<string, string>> fields, bool withAntiforgery = true)
    {
        var form = FormPattern().Matches(html).Select(m => m.Value)
            .FirstOrDefault(f => f.Contains($"name=\"_handler\" value=\"{formName}\"", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"No form '{formName}' on {path}: {html}");
        var values = HiddenPattern().Matches(form)
            .Select(m => new KeyValuePair<string, string>(WebUtility.HtmlDecode(m.Groups["name"].Value), WebUtility.HtmlDecode(m.Groups["value"].Value)))
            .Where(kv => withAntiforgery || kv.Key != "__RequestVerificationToken")
            .Concat(fields)
            .ToList();
        return await client.PostAsync(new Uri(path, UriKind.Relative), new FormUrlEncodedContent(values));
    }

    [GeneratedRegex("<form[\\s\\S]*?</form>")]
    private static partial Regex FormPattern();

    [GeneratedRegex("<input type=\"hidden\" name=\"(?<name>[^\"]+)\" value=\"(?<value>[^\"]*)\"")]
    private static partial Regex HiddenPattern();
}
