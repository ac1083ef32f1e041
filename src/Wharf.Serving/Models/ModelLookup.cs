namespace Wharf.Serving.Models;

/// <summary>The answer to "which loaded version serves this request": the version, or why none does.</summary>
internal readonly record struct ModelLookup(LoadedModelVersion? Model, ModelEntry? Entry, int StatusCode, string? Error)
{
    public static ModelLookup NotFound(string error) => new(null, null, StatusCodes.Status404NotFound, error);

    public static ModelLookup NotReady(ModelEntry entry, string error) => new(null, entry, StatusCodes.Status503ServiceUnavailable, error);
}
