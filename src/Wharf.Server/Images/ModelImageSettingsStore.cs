using Microsoft.EntityFrameworkCore;
using Wharf.Server.Auth;
using Wharf.Server.Data;
using Wharf.Server.Registry;
using ClientSettings = Wharf.Client.Images.ModelImageSettings;

namespace Wharf.Server.Images;

/// <summary>Reads and changes a project's model image setting; the base and runtime images are checked when set.</summary>
internal sealed class ModelImageSettingsStore(WharfDbContext db, RegistryStore registry, TimeProvider time)
{
    public async Task<ClientSettings?> GetAsync(string project, CancellationToken cancellationToken = default)
    {
        var projectId = await db.Projects.Where(p => p.Name == project).Select(p => (long?)p.Id).FirstOrDefaultAsync(cancellationToken);
        if (projectId is null)
        {
            return null;
        }

        var row = await db.Set<ModelImageSetting>().AsNoTracking().FirstOrDefaultAsync(s => s.ProjectId == projectId, cancellationToken);
        return row is null ? new ClientSettings(false, null) : new ClientSettings(row.Enabled, row.BaseImage, row.RuntimeImage);
    }

    /// <summary>
    /// Checks an image reference: in Wharf's registry, in a project the caller may pull from, and existing. Null when
    /// usable, else the reason.
    /// </summary>
    public async Task<string?> CheckImageAsync(AuthPrincipal caller, string field, string reference, CancellationToken cancellationToken = default)
    {
        if (!ImageReferences.TryParse(reference, out var parsed, out var error))
        {
            return $"{field}: {error}";
        }

        // Not knowing the repository and not being allowed to see it answer alike: the setting must not probe other projects.
        var unknown = $"{field}: '{reference}' does not exist in Wharf's registry (external registries are not fetched: push the image into Wharf first)";
        if ((caller.ScopesIn(parsed.Project) & Scope.RegistryPull) != Scope.RegistryPull)
        {
            return unknown;
        }

        var isDigest = parsed.Reference.Contains(':', StringComparison.Ordinal);
        return await registry.FindManifestHeadAsync(parsed.Repository, parsed.Reference, isDigest, cancellationToken) is null ? unknown : null;
    }

    public async Task<ClientSettings?> SetAsync(string project, ClientSettings settings, CancellationToken cancellationToken = default)
    {
        var projectId = await db.Projects.Where(p => p.Name == project).Select(p => (long?)p.Id).FirstOrDefaultAsync(cancellationToken);
        if (projectId is not { } id)
        {
            return null;
        }

        var now = time.GetUtcNow();
        var row = await db.Set<ModelImageSetting>().FirstOrDefaultAsync(s => s.ProjectId == id, cancellationToken);
        if (row is null)
        {
            row = new ModelImageSetting { ProjectId = id };
            db.Add(row);
        }

        if (settings.Enabled && !row.Enabled)
        {
            row.EnabledSince = now.ToUnixTimeMilliseconds();
        }

        row.Enabled = settings.Enabled;
        row.BaseImage = string.IsNullOrWhiteSpace(settings.BaseImage) ? null : settings.BaseImage;
        row.RuntimeImage = string.IsNullOrWhiteSpace(settings.RuntimeImage) ? null : settings.RuntimeImage;
        row.UpdatedAt = now;
        await db.SaveChangesAsync(cancellationToken);
        return new ClientSettings(row.Enabled, row.BaseImage, row.RuntimeImage);
    }
}
