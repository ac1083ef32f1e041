using System.Globalization;
using Wharf.Client.Images;

namespace Wharf.Client;

/// <summary>
/// Images built by the platform: the project setting (<c>/api/v1/projects/{project}/settings/model-images</c>) and the
/// image build of a model version (<c>.../models/{name}/versions/{n}/image</c>).
/// </summary>
public sealed partial class WharfClient
{
    /// <summary>Reads a project's model image setting (needs <c>models:read</c>).</summary>
    /// <param name="project">The project.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<ModelImageSettings> GetModelImageSettingsAsync(string project, CancellationToken cancellationToken = default)
        => GetAsync(ModelImageSettingsPath(project), WharfJsonContext.Default.ModelImageSettings, cancellationToken);

    /// <summary>Changes a project's model image setting (needs <c>project:admin</c>); the base image must exist in Wharf's registry.</summary>
    /// <param name="project">The project.</param>
    /// <param name="settings">The new setting.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<ModelImageSettings> SetModelImageSettingsAsync(string project, ModelImageSettings settings, CancellationToken cancellationToken = default)
        => SendAsync(HttpMethod.Put, ModelImageSettingsPath(project), settings, WharfJsonContext.Default.ModelImageSettings,
            WharfJsonContext.Default.ModelImageSettings, cancellationToken);

    /// <summary>Gets the image build of a model version: status, reference, digest and log (needs <c>models:read</c>).</summary>
    /// <param name="project">The project.</param>
    /// <param name="name">The model's name.</param>
    /// <param name="version">The version number.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<ModelImageBuildInfo> GetModelImageAsync(string project, string name, int version, CancellationToken cancellationToken = default)
        => GetAsync(ModelImagePath(project, name, version), WharfJsonContext.Default.ModelImageBuildInfo, cancellationToken);

    /// <summary>Queues a (re)build of a READY version's image (needs <c>models:write</c>).</summary>
    /// <param name="project">The project.</param>
    /// <param name="name">The model's name.</param>
    /// <param name="version">The version number.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public async Task<ModelImageBuildInfo> RebuildModelImageAsync(string project, string name, int version, CancellationToken cancellationToken = default)
    {
        using var response = await _http.PostAsync(ModelImagePath(project, name, version), content: null, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync(response.Content, WharfJsonContext.Default.ModelImageBuildInfo, cancellationToken)
            ?? throw new InvalidDataException("server sent an empty body for the image build");
    }

    private static string ModelImageSettingsPath(string project) => $"api/v1/projects/{Segment(project)}/settings/model-images";

    private static string ModelImagePath(string project, string name, int version)
        => string.Create(CultureInfo.InvariantCulture, $"{ModelPath(project, name)}/versions/{version}/image");
}
