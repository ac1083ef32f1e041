namespace Wharf.Server.Tracking;

/// <summary>
/// Experiment tracking behind MLflow's REST API 2.0. The same endpoints answer under <c>/api/2.0/mlflow</c> (the
/// Python client) and <c>/ajax-api/2.0/mlflow</c> (MLflow's web UI) and the legacy <c>/api/2.0/preview/mlflow</c>; the artifact proxy under
/// <c>/api/2.0/mlflow-artifacts</c> (<see cref="ArtifactEndpoints"/>). Failures under both speak MLflow's error
/// envelope (<see cref="MlflowErrorMiddleware"/>).
/// </summary>
internal static class TrackingExtensions
{
    public static readonly string[] Prefixes = ["/api/2.0/mlflow", "/ajax-api/2.0/mlflow", "/api/2.0/preview/mlflow"];

    public static IServiceCollection AddWharfTracking(this IServiceCollection services)
    {
        services.AddScoped<TrackingStore>();
        services.AddScoped<TrackingBrowser>();
        services.AddScoped<ArtifactStore>();
        return services;
    }

    /// <summary>Puts MLflow's error envelope around everything on the MLflow routes, access refusals included.</summary>
    public static IApplicationBuilder UseWharfTracking(this IApplicationBuilder app) =>
        app.UseWhen(MlflowErrorMiddleware.Applies, mlflow => mlflow.UseMiddleware<MlflowErrorMiddleware>());

    public static IEndpointRouteBuilder MapWharfTracking(this IEndpointRouteBuilder endpoints)
    {
        foreach (var prefix in Prefixes)
        {
            endpoints.MapGroup(prefix).MapExperiments().MapRuns().MapArtifacts();
        }

        endpoints.MapArtifactProxy();
        return endpoints;
    }
}
