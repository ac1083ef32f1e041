using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Serialization.Metadata;
using Wharf.Client.Auth;

namespace Wharf.Client;

/// <summary>Projects, members, service accounts, tokens, users and the audit log (<c>/api/v1</c>).</summary>
public sealed partial class WharfClient
{
    /// <summary>Who the client's token belongs to and what it may do, per project.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<WhoAmI> WhoAmIAsync(CancellationToken cancellationToken = default)
        => GetAsync("api/v1/auth/whoami", WharfJsonContext.Default.WhoAmI, cancellationToken);

    /// <summary>Lists the projects the caller is a member of (an administrator sees all), in name order.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<IReadOnlyList<ProjectInfo>> ListProjectsAsync(CancellationToken cancellationToken = default)
        => GetAsync("api/v1/projects", WharfJsonContext.Default.IReadOnlyListProjectInfo, cancellationToken);

    /// <summary>Gets one project the caller has a role in.</summary>
    /// <param name="project">The project name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<ProjectInfo> GetProjectAsync(string project, CancellationToken cancellationToken = default)
        => GetAsync($"api/v1/projects/{Segment(project)}", WharfJsonContext.Default.ProjectInfo, cancellationToken);

    /// <summary>Creates a project; the calling user becomes its owner (service accounts cannot create projects).</summary>
    /// <param name="name">The project name: up to 64 characters of <c>[a-z0-9]</c> joined by <c>.</c>, <c>_</c> or <c>-</c>.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<ProjectInfo> CreateProjectAsync(string name, CancellationToken cancellationToken = default)
        => SendAsync(HttpMethod.Post, "api/v1/projects", new CreateProjectRequest(name), WharfJsonContext.Default.CreateProjectRequest,
            WharfJsonContext.Default.ProjectInfo, cancellationToken);

    /// <summary>Deletes a project with its members, service accounts and token grants; refused while it has registry repositories.</summary>
    /// <param name="project">The project name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task DeleteProjectAsync(string project, CancellationToken cancellationToken = default)
        => DeleteAsync($"api/v1/projects/{Segment(project)}", cancellationToken);

    /// <summary>Lists a project's members: users and service accounts with their roles.</summary>
    /// <param name="project">The project name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<IReadOnlyList<ProjectMemberInfo>> ListMembersAsync(string project, CancellationToken cancellationToken = default)
        => GetAsync($"api/v1/projects/{Segment(project)}/members", WharfJsonContext.Default.IReadOnlyListProjectMemberInfo, cancellationToken);

    /// <summary>Adds a user to a project, or changes their role (needs <c>project:admin</c>).</summary>
    /// <param name="project">The project name.</param>
    /// <param name="username">The user.</param>
    /// <param name="role"><c>viewer</c>, <c>developer</c>, <c>maintainer</c> or <c>owner</c>.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<ProjectMemberInfo> SetMemberAsync(string project, string username, string role, CancellationToken cancellationToken = default)
        => SendAsync(HttpMethod.Put, $"api/v1/projects/{Segment(project)}/members/{Segment(username)}", new SetMemberRoleRequest(role),
            WharfJsonContext.Default.SetMemberRoleRequest, WharfJsonContext.Default.ProjectMemberInfo, cancellationToken);

    /// <summary>Removes a user from a project; refused for its last owner. Their tokens lose the project at once.</summary>
    /// <param name="project">The project name.</param>
    /// <param name="username">The user.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task RemoveMemberAsync(string project, string username, CancellationToken cancellationToken = default)
        => DeleteAsync($"api/v1/projects/{Segment(project)}/members/{Segment(username)}", cancellationToken);

    /// <summary>Lists a project's service accounts (needs <c>project:admin</c>).</summary>
    /// <param name="project">The project name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<IReadOnlyList<ServiceAccountInfo>> ListServiceAccountsAsync(string project, CancellationToken cancellationToken = default)
        => GetAsync($"api/v1/projects/{Segment(project)}/service-accounts", WharfJsonContext.Default.IReadOnlyListServiceAccountInfo, cancellationToken);

    /// <summary>Creates a service account in a project with a role there (needs <c>project:admin</c>).</summary>
    /// <param name="project">The project name.</param>
    /// <param name="name">The account's name, unique in the project.</param>
    /// <param name="role"><c>viewer</c>, <c>developer</c>, <c>maintainer</c> or <c>owner</c>.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<ServiceAccountInfo> CreateServiceAccountAsync(string project, string name, string role, CancellationToken cancellationToken = default)
        => SendAsync(HttpMethod.Post, $"api/v1/projects/{Segment(project)}/service-accounts", new CreateServiceAccountRequest(name, role),
            WharfJsonContext.Default.CreateServiceAccountRequest, WharfJsonContext.Default.ServiceAccountInfo, cancellationToken);

    /// <summary>Deletes a service account; its tokens stop working at once.</summary>
    /// <param name="project">The project name.</param>
    /// <param name="name">The account's name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task DeleteServiceAccountAsync(string project, string name, CancellationToken cancellationToken = default)
        => DeleteAsync($"api/v1/projects/{Segment(project)}/service-accounts/{Segment(name)}", cancellationToken);

    /// <summary>Creates a token for a service account; the answer holds its secret, which cannot be read again.</summary>
    /// <param name="project">The project name.</param>
    /// <param name="name">The account's name.</param>
    /// <param name="tokenName">A label for the token.</param>
    /// <param name="scopes">Scopes by wire name (<c>registry:pull</c>, ...).</param>
    /// <param name="expiresInDays">Lifetime in days; the server's default when null.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<CreatedTokenInfo> CreateServiceAccountTokenAsync(
        string project, string name, string tokenName, IReadOnlyList<string> scopes, int? expiresInDays = null, CancellationToken cancellationToken = default)
        => SendAsync(HttpMethod.Post, $"api/v1/projects/{Segment(project)}/service-accounts/{Segment(name)}/tokens",
            new CreateServiceAccountTokenRequest(tokenName, scopes, expiresInDays), WharfJsonContext.Default.CreateServiceAccountTokenRequest,
            WharfJsonContext.Default.CreatedTokenInfo, cancellationToken);

    /// <summary>Lists the caller's own tokens (never their secrets).</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<IReadOnlyList<TokenInfo>> ListTokensAsync(CancellationToken cancellationToken = default)
        => GetAsync("api/v1/tokens", WharfJsonContext.Default.IReadOnlyListTokenInfo, cancellationToken);

    /// <summary>
    /// Creates a token for the caller, with scopes per project the caller holds them in; the answer holds its secret,
    /// which cannot be read again.
    /// </summary>
    /// <param name="name">A label for the token.</param>
    /// <param name="grants">Scopes per project.</param>
    /// <param name="expiresInDays">Lifetime in days; the server's default when null.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<CreatedTokenInfo> CreateTokenAsync(string name, IReadOnlyList<TokenGrantInfo> grants, int? expiresInDays = null, CancellationToken cancellationToken = default)
        => SendAsync(HttpMethod.Post, "api/v1/tokens", new CreateTokenRequest(name, grants, expiresInDays), WharfJsonContext.Default.CreateTokenRequest,
            WharfJsonContext.Default.CreatedTokenInfo, cancellationToken);

    /// <summary>Revokes one of the caller's tokens (an administrator may revoke any); it stops working at once.</summary>
    /// <param name="id">The token's id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task RevokeTokenAsync(long id, CancellationToken cancellationToken = default)
        => DeleteAsync(string.Create(CultureInfo.InvariantCulture, $"api/v1/tokens/{id}"), cancellationToken);

    /// <summary>Lists every user (administrators only).</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<IReadOnlyList<UserInfo>> ListUsersAsync(CancellationToken cancellationToken = default)
        => GetAsync("api/v1/users", WharfJsonContext.Default.IReadOnlyListUserInfo, cancellationToken);

    /// <summary>Creates a user (administrators only).</summary>
    /// <param name="username">The username.</param>
    /// <param name="password">The password (8 to 1024 characters); null for a token-only account.</param>
    /// <param name="admin">Whether the user administers the server.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<UserInfo> CreateUserAsync(string username, string? password, bool admin = false, CancellationToken cancellationToken = default)
        => SendAsync(HttpMethod.Post, "api/v1/users", new CreateUserRequest(username, password, admin), WharfJsonContext.Default.CreateUserRequest,
            WharfJsonContext.Default.UserInfo, cancellationToken);

    /// <summary>Disables or enables a user, or sets their password (administrators only); null leaves a field unchanged.</summary>
    /// <param name="username">The user.</param>
    /// <param name="disabled">Disable (refuse sign-in and every token) or enable.</param>
    /// <param name="password">A new password.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<UserInfo> UpdateUserAsync(string username, bool? disabled = null, string? password = null, CancellationToken cancellationToken = default)
        => SendAsync(HttpMethod.Patch, $"api/v1/users/{Segment(username)}", new UpdateUserRequest(disabled, password),
            WharfJsonContext.Default.UpdateUserRequest, WharfJsonContext.Default.UserInfo, cancellationToken);

    /// <summary>Reads the audit log, newest first (administrators only).</summary>
    /// <param name="before">Only entries older than this id (the previous page's <see cref="AuditPage.Next"/>).</param>
    /// <param name="count">Page size (1 to 1000).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<AuditPage> ListAuditAsync(long? before = null, int count = 100, CancellationToken cancellationToken = default)
        => GetAsync(
            string.Create(CultureInfo.InvariantCulture, $"api/v1/audit?n={count}{(before is { } b ? $"&before={b}" : string.Empty)}"),
            WharfJsonContext.Default.AuditPage, cancellationToken);

    private static string Segment(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        return Uri.EscapeDataString(value);
    }

    private async Task DeleteAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await _http.DeleteAsync(path, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
    }

    private async Task<TResponse> SendAsync<TRequest, TResponse>(
        HttpMethod method, string path, TRequest body, JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TResponse> responseType,
        CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body, requestType) };
        using var response = await _http.SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return await response.Content.ReadFromJsonAsync(responseType, cancellationToken)
            ?? throw new InvalidDataException($"server sent an empty body for {path}");
    }
}
