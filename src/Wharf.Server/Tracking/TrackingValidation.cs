namespace Wharf.Server.Tracking;

/// <summary>MLflow's checks on names and values, with its limits.</summary>
internal static class TrackingValidation
{
    public const int MaxMetricsPerBatch = 1000;
    public const int MaxParamsPerBatch = 100;
    public const int MaxTagsPerBatch = 100;
    public const int MaxItemsPerBatch = 1000;
    public const int MaxResultsLimit = 50_000;

    /// <summary>MLflow's limit on a log-batch request body (MAX_BATCH_LOG_REQUEST_SIZE).</summary>
    public const int MaxBatchBytes = 1_000_000;

    /// <summary>Datasets per log-inputs request; MLflow sets no number, this keeps one request bounded.</summary>
    public const int MaxDatasetInputsPerRequest = 1000;
    public const int DefaultMaxResults = 1000;

    /// <summary>
    /// A metric, param or tag key: alphanumerics, <c>_ - . space / :</c>, at most 250 characters, and usable as a
    /// relative path (no <c>..</c> segment, no leading <c>/</c>), as MLflow requires.
    /// </summary>
    public static string Key(string? key, string what)
    {
        if (string.IsNullOrEmpty(key))
        {
            throw MlflowException.Invalid($"Missing value for required parameter 'key' of a {what}.");
        }

        if (key.Length > RunParam.MaxKeyLength)
        {
            throw MlflowException.Invalid($"{Capital(what)} key '{MlflowRequest.Clip(key)}' is longer than {RunParam.MaxKeyLength} characters.");
        }

        if (!key.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or ' ' or '/' or ':')
            || key.StartsWith('/') || key.Split('/').Any(segment => segment == ".."))
        {
            throw MlflowException.Invalid(
                $"Invalid {what} name: '{MlflowRequest.Clip(key)}'. Names may only contain alphanumerics, underscores (_), dashes (-), " +
                "periods (.), spaces ( ), colons (:) and slashes (/), and must not contain '..' segments or start with '/'.");
        }

        return key;
    }

    public static string Value(string? value, int maxLength, string what, string key)
    {
        value ??= "";
        return value.Length <= maxLength
            ? value
            : throw MlflowException.Invalid($"{Capital(what)} '{key}' has a value longer than {maxLength} characters ({value.Length}).");
    }

    public static int MaxResults(int? requested, int fallback = DefaultMaxResults) => requested switch
    {
        null => fallback,
        < 1 => throw MlflowException.Invalid($"Invalid value {requested} for parameter 'max_results' supplied: it must be at least 1."),
        > MaxResultsLimit => throw MlflowException.Invalid($"Invalid value {requested} for parameter 'max_results' supplied: it must be at most {MaxResultsLimit}."),
        _ => requested.Value,
    };

    private static string Capital(string what) => char.ToUpperInvariant(what[0]) + what[1..];
}
