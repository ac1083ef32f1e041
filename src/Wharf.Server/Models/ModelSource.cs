using Wharf.Server.Tracking;

namespace Wharf.Server.Models;

/// <summary>
/// A model version's <c>source</c>: files of a run, named as the MLflow client names them, <c>runs:/&lt;run_id&gt;/&lt;path&gt;</c>
/// or the run's resolved artifact location <c>mlflow-artifacts:/&lt;experiment&gt;/&lt;run_id&gt;/artifacts/&lt;path&gt;</c>.
/// Nothing else is accepted (no file:, http: or other schemes: the server never fetches a user-supplied location), and
/// the path must be a canonical relative path (<see cref="ArtifactPaths.Check"/>).
/// </summary>
internal readonly record struct ModelSource(string RunId, long? ExperimentId, string Path)
{
    private const string RunsScheme = "runs:/";
    private const string ArtifactsScheme = "mlflow-artifacts:/";

    public static ModelSource Parse(string source)
    {
        string runId;
        long? experimentId = null;
        string rest;
        if (source.StartsWith(RunsScheme, StringComparison.Ordinal) && !source.StartsWith(RunsScheme + "/", StringComparison.Ordinal))
        {
            var body = source[RunsScheme.Length..];
            var slash = body.IndexOf('/', StringComparison.Ordinal);
            runId = slash < 0 ? body : body[..slash];
            rest = slash < 0 ? "" : body[(slash + 1)..];
        }
        else if (source.StartsWith(ArtifactsScheme, StringComparison.Ordinal) && !source.StartsWith(ArtifactsScheme + "/", StringComparison.Ordinal))
        {
            var segments = source[ArtifactsScheme.Length..].Split('/', 4);
            if (segments.Length < 3 || segments[2] != "artifacts" || !long.TryParse(segments[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var experiment))
            {
                throw Invalid(source);
            }

            experimentId = experiment;
            runId = segments[1];
            rest = segments.Length == 4 ? segments[3] : "";
        }
        else
        {
            throw Invalid(source);
        }

        if (!RunIds.IsValid(runId))
        {
            throw Invalid(source);
        }

        rest = rest.TrimEnd('/');
        if (rest.Length > 0 && ArtifactPaths.Check(rest) is { } problem)
        {
            throw MlflowException.Invalid($"Invalid model version source '{MlflowRequest.Clip(source)}': {problem}");
        }

        return new ModelSource(runId, experimentId, rest);
    }

    /// <summary>Where the files can be downloaded through the artifact proxy.</summary>
    public static string DownloadUri(long experimentId, string runId, string path) =>
        path.Length == 0 ? $"{ArtifactsScheme}{experimentId}/{runId}/artifacts" : $"{ArtifactsScheme}{experimentId}/{runId}/artifacts/{path}";

    private static MlflowException Invalid(string source) => MlflowException.Invalid(
        $"Invalid model version source '{MlflowRequest.Clip(source)}': it must name files of a run in the model's project, as " +
        "'runs:/<run_id>/<path>' or 'mlflow-artifacts:/<experiment_id>/<run_id>/artifacts/<path>'.");
}
