using Wharf.Server.Tracking;

namespace Wharf.Server.Models;

/// <summary>
/// The model registry behind MLflow's model-registry REST API, under every MLflow prefix
/// (<see cref="TrackingExtensions.Prefixes"/>), so MLflow's error middleware already wraps it. Versions are OCI
/// artifacts in Wharf's registry (<see cref="ModelStore"/>).
/// </summary>
internal static class ModelsExtensions
{
    public static IServiceCollection AddWharfModels(this IServiceCollection services)
    {
        services.AddScoped<ModelStore>();
        services.AddScoped<ModelBrowser>();
        services.AddSingleton<ModelSignatureReader>();
        return services;
    }

    public static IEndpointRouteBuilder MapWharfModels(this IEndpointRouteBuilder endpoints)
    {
        foreach (var prefix in TrackingExtensions.Prefixes)
        {
            endpoints.MapGroup(prefix).MapRegisteredModels().MapModelVersions();
        }

        endpoints.MapWharfModelApi();
        return endpoints;
    }
}
