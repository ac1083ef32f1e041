using Wharf.Server.Tracking;

namespace Wharf.Server.Models;

/// <summary>Reading the model registry's request fields.</summary>
internal static class ModelRequests
{
    /// <summary>The request's <c>max_results</c>: <paramref name="fallback"/> when absent, else between 1 and <paramref name="limit"/>.</summary>
    public static int MaxResults(MlflowRequest request, int fallback, int limit) => request.Int("max_results") switch
    {
        null => fallback,
        { } n when n is < 1 || n > limit => throw MlflowException.Invalid($"Invalid value {n} for parameter 'max_results' supplied: it must be between 1 and {limit}."),
        { } n => n,
    };

    public static int Version(MlflowRequest request)
    {
        var text = request.RequireString("version");
        return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version) && version > 0
            ? version
            : throw MlflowException.Invalid($"Parameter 'version' must be a positive integer, got '{MlflowRequest.Clip(text)}'.");
    }

    public static List<KeyValuePair<string, string>> Tags(MlflowRequest request)
    {
        var tags = request.Objects("tags");
        if (tags.Count > ModelStore.MaxTagsPerRequest)
        {
            throw MlflowException.Invalid($"At most {ModelStore.MaxTagsPerRequest} tags per request.");
        }

        return [.. tags.Select(t =>
        {
            var key = TrackingValidation.Key(MlflowRequest.Field(t, "key"), "tag");
            return new KeyValuePair<string, string>(key, TrackingValidation.Value(MlflowRequest.Field(t, "value"), RunTag.MaxValueLength, "tag", key));
        })];
    }

    public static (string Key, string Value) Tag(MlflowRequest request)
    {
        var key = TrackingValidation.Key(request.String("key"), "tag");
        return (key, TrackingValidation.Value(request.String("value"), RunTag.MaxValueLength, "tag", key));
    }

    public static string? Description(MlflowRequest request) =>
        request.String("description") is { } d && d.Length > RegisteredModel.MaxDescriptionLength
            ? throw MlflowException.Invalid($"Description is longer than {RegisteredModel.MaxDescriptionLength} characters.")
            : request.String("description");
}
