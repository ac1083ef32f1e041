using System.Globalization;
using System.Net.Http.Json;
using Wharf.Client.Webhooks;

namespace Wharf.Client;

/// <summary>A project's webhooks and their delivery log (<c>/api/v1/projects/{project}/webhooks</c>; needs <c>project:admin</c>).</summary>
public sealed partial class WharfClient
{
    /// <summary>Lists a project's webhooks.</summary>
    /// <param name="project">The project name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<IReadOnlyList<WebhookInfo>> ListWebhooksAsync(string project, CancellationToken cancellationToken = default)
        => GetAsync(WebhooksPath(project), WebhooksJsonContext.Default.IReadOnlyListWebhookInfo, cancellationToken);

    /// <summary>Gets one webhook.</summary>
    /// <param name="project">The project name.</param>
    /// <param name="id">The webhook's id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<WebhookInfo> GetWebhookAsync(string project, long id, CancellationToken cancellationToken = default)
        => GetAsync(WebhookPath(project, id), WebhooksJsonContext.Default.WebhookInfo, cancellationToken);

    /// <summary>Creates a webhook; the answer holds its signing secret, which cannot be read again.</summary>
    /// <param name="project">The project name.</param>
    /// <param name="request">URL, event filter, optional secret and description.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<CreatedWebhookInfo> CreateWebhookAsync(string project, CreateWebhookRequest request, CancellationToken cancellationToken = default)
        => SendAsync(HttpMethod.Post, WebhooksPath(project), request, WebhooksJsonContext.Default.CreateWebhookRequest,
            WebhooksJsonContext.Default.CreatedWebhookInfo, cancellationToken);

    /// <summary>Changes a webhook's URL, event filter, active flag or description.</summary>
    /// <param name="project">The project name.</param>
    /// <param name="id">The webhook's id.</param>
    /// <param name="request">The fields to change; null fields stay.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<WebhookInfo> UpdateWebhookAsync(string project, long id, UpdateWebhookRequest request, CancellationToken cancellationToken = default)
        => SendAsync(HttpMethod.Patch, WebhookPath(project, id), request, WebhooksJsonContext.Default.UpdateWebhookRequest,
            WebhooksJsonContext.Default.WebhookInfo, cancellationToken);

    /// <summary>Deletes a webhook with its delivery log.</summary>
    /// <param name="project">The project name.</param>
    /// <param name="id">The webhook's id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task DeleteWebhookAsync(string project, long id, CancellationToken cancellationToken = default)
        => DeleteAsync(WebhookPath(project, id), cancellationToken);

    /// <summary>Queues a <c>wharf.ping</c> delivery to the webhook and returns it (sent in the background).</summary>
    /// <param name="project">The project name.</param>
    /// <param name="id">The webhook's id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public async Task<WebhookDeliveryInfo> PingWebhookAsync(string project, long id, CancellationToken cancellationToken = default)
    {
        using var response = await _http.PostAsync($"{WebhookPath(project, id)}/ping", content: null, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return await response.Content.ReadFromJsonAsync(WebhooksJsonContext.Default.WebhookDeliveryInfo, cancellationToken)
            ?? throw new InvalidDataException("server sent an empty delivery");
    }

    /// <summary>Gets one delivery of a webhook with its attempts.</summary>
    /// <param name="project">The project name.</param>
    /// <param name="id">The webhook's id.</param>
    /// <param name="deliveryId">The delivery's row id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<WebhookDeliveryInfo> GetWebhookDeliveryAsync(string project, long id, long deliveryId, CancellationToken cancellationToken = default)
        => GetAsync($"{WebhookPath(project, id)}/deliveries/{deliveryId.ToString(CultureInfo.InvariantCulture)}",
            WebhooksJsonContext.Default.WebhookDeliveryInfo, cancellationToken);

    /// <summary>Lists a webhook's deliveries, newest first.</summary>
    /// <param name="project">The project name.</param>
    /// <param name="id">The webhook's id.</param>
    /// <param name="limit">Page size (1 to 200).</param>
    /// <param name="before">Continue below this row id (a page's <see cref="WebhookDeliveryPage.NextBefore"/>).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<WebhookDeliveryPage> ListWebhookDeliveriesAsync(
        string project, long id, int limit = 50, long? before = null, CancellationToken cancellationToken = default)
    {
        var path = $"{WebhookPath(project, id)}/deliveries?limit={limit.ToString(CultureInfo.InvariantCulture)}"
                   + Query("before", before?.ToString(CultureInfo.InvariantCulture));
        return GetAsync(path, WebhooksJsonContext.Default.WebhookDeliveryPage, cancellationToken);
    }

    private static string WebhooksPath(string project) => $"api/v1/projects/{Segment(project)}/webhooks";

    private static string WebhookPath(string project, long id) => $"{WebhooksPath(project)}/{id.ToString(CultureInfo.InvariantCulture)}";
}
