using System.Text;
using Microsoft.AspNetCore.Http.Features;

namespace Wharf.Server.Tracking;

/// <summary>
/// Artifact paths as the MLflow client sends them, checked before anything is looked up or stored. The proxy path is
/// <c>&lt;experiment_id&gt;/&lt;run_id&gt;/artifacts/&lt;relative path&gt;</c>, which the client builds from the run's
/// <c>artifact_uri</c> (<c>mlflow-artifacts:/&lt;experiment&gt;/&lt;run&gt;/artifacts</c>); artifacts/list takes the
/// relative path alone.
/// </summary>
/// <remarks>
/// The relative path is only ever a key of a row (the bytes live under their digest), so nothing here can escape to the
/// filesystem; the checks keep the tree well formed and refuse what is only ever sent to escape it. A path is refused
/// (INVALID_PARAMETER_VALUE) when, after URL-decoding and again after a second decoding (double-encoded traversal), it
/// is absolute, has an empty, <c>.</c> or <c>..</c> segment, holds a backslash, NUL or other control character, or is
/// longer than <see cref="RunArtifact.MaxPathLength"/>. Kestrel removes dot segments from the request target before
/// routing, so the raw target is checked for them too.
/// </remarks>
internal static class ArtifactPaths
{
    public const string ProxyMarker = "/mlflow-artifacts/artifacts/";
    private const int MaxSegmentLength = 255;

    /// <summary>A proxy path split into the run it names and the path below the run's artifact root ("" for the root).</summary>
    public readonly record struct ProxyPath(long ExperimentId, string RunId, string Relative);

    /// <summary>The proxy path of a request: the <c>{**path}</c> route value, or the <c>path</c> query parameter of a listing.</summary>
    public static string? RawOf(HttpContext context) =>
        context.Request.RouteValues.TryGetValue("path", out var value) && value is string fromRoute ? fromRoute
        : context.Request.Query.TryGetValue("path", out var fromQuery) ? fromQuery.ToString()
        : null;

    /// <summary>Parses a proxy path; the error says what is wrong with it.</summary>
    public static bool TryParseProxy(HttpContext context, string? raw, out ProxyPath path, out string? error)
    {
        path = default;
        if (RawTargetHasDotSegment(context))
        {
            error = "Invalid artifact path: it must not contain '.' or '..' segments.";
            return false;
        }

        if (string.IsNullOrEmpty(raw))
        {
            error = "Missing artifact path: expected '<experiment_id>/<run_id>/artifacts[/<path>]'.";
            return false;
        }

        if (Check(raw) is { } problem)
        {
            error = problem;
            return false;
        }

        var segments = raw.Split('/');
        if (segments.Length < 3
            || TrackingStore.TryParseId(segments[0]) is not { } experimentId
            || !RunIds.IsValid(segments[1])
            || segments[2] != "artifacts")
        {
            error = $"Invalid artifact path '{MlflowRequest.Clip(raw)}': expected '<experiment_id>/<run_id>/artifacts[/<path>]'.";
            return false;
        }

        path = new ProxyPath(experimentId, segments[1], string.Join('/', segments.Skip(3)));
        error = null;
        return true;
    }

    /// <summary>Checks a path relative to a run's artifact root ("" is the root itself); throws INVALID_PARAMETER_VALUE.</summary>
    public static string Relative(string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return "";
        }

        return Check(path) is { } problem ? throw MlflowException.Invalid(problem) : path;
    }

    /// <summary>What is wrong with <paramref name="path"/> (already decoded once), or null when it is a valid relative path.</summary>
    public static string? Check(string path)
    {
        if (Problem(path) is { } problem)
        {
            return problem;
        }

        // A second decoding turns %252e%252e (sent double-encoded) into '..': refuse what would mean traversal to
        // anything that decodes once more.
        var twice = Uri.UnescapeDataString(path);
        return twice == path ? null : Problem(twice);
    }

    private static string? Problem(string path)
    {
        if (path.Length > RunArtifact.MaxPathLength || Encoding.UTF8.GetByteCount(path) > RunArtifact.MaxPathLength)
        {
            return $"Invalid artifact path: longer than {RunArtifact.MaxPathLength} bytes.";
        }

        if (path.Any(c => c == '\\' || char.IsControl(c)))
        {
            return "Invalid artifact path: it must not contain backslashes, NUL or other control characters.";
        }

        if (path.StartsWith('/') || path.StartsWith('~') || (path.Length >= 2 && char.IsAsciiLetter(path[0]) && path[1] == ':'))
        {
            return "Invalid artifact path: it must be relative, not absolute.";
        }

        foreach (var segment in path.Split('/'))
        {
            if (segment.Length == 0)
            {
                return "Invalid artifact path: it must not contain empty segments ('//' or a trailing '/').";
            }

            if (segment is "." or "..")
            {
                return "Invalid artifact path: it must not contain '.' or '..' segments.";
            }

            if (segment.Length > MaxSegmentLength)
            {
                return $"Invalid artifact path: a segment is longer than {MaxSegmentLength} characters.";
            }
        }

        return null;
    }

    private static bool RawTargetHasDotSegment(HttpContext context)
    {
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(target))
        {
            return false;
        }

        var query = target.IndexOf('?', StringComparison.Ordinal);
        var rawPath = query >= 0 ? target[..query] : target;
        var decoded = Uri.UnescapeDataString(rawPath);
        return decoded.Split('/').Any(s => s is "." or "..")
            || Uri.UnescapeDataString(decoded).Split('/', '\\').Any(s => s is "." or "..");
    }
}
