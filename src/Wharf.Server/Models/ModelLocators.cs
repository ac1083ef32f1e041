using Wharf.Server.Auth;
using Wharf.Server.Data;
using Wharf.Server.Tracking;

namespace Wharf.Server.Models;

/// <summary>
/// The project locator of the model registry's routes: the project of the STORED model named by the request's
/// <c>name</c> (see <see cref="ModelNames"/> for bare and qualified names). A name that matches no model the caller
/// could see is <see cref="ProjectLookup.Missing"/> (the handler answers RESOURCE_DOES_NOT_EXIST); a bare name that
/// matches models in several of the caller's projects is refused as ambiguous.
/// </summary>
internal static class ModelLocators
{
    public static IProjectLocator Model() => ProjectLocators.Stored("the stored registered model of 'name'", async (context, cancellationToken) =>
    {
        MlflowRequest request;
        try
        {
            request = await MlflowRequest.ReadAsync(context, cancellationToken);
        }
        catch (MlflowException)
        {
            return ProjectLookup.Missing;
        }

        if (!ModelNames.TryParse(request.String("name"), out var name, out _))
        {
            return ProjectLookup.Missing;
        }

        var db = context.RequestServices.GetRequiredService<WharfDbContext>();
        var candidates = await ModelAccess.CandidatesAsync(db, Caller.Get(context), name, cancellationToken);
        return candidates.Count switch
        {
            0 => ProjectLookup.Missing,
            1 => ProjectLookup.Found(candidates[0].Project),
            _ => ProjectLookup.Invalid(
                $"Model name '{name.Name}' exists in several projects ({string.Join(", ", candidates.Select(c => c.Project))}); name it '<project>/{name.Name}'."),
        };
    });
}
