using Wharf.Server.Events;

namespace Wharf.Server.Images;

/// <summary>
/// Model images built by the platform: a project setting turns on a background build of
/// <c>&lt;project&gt;/images/&lt;model&gt;:v&lt;N&gt;</c> for every new READY model version (<see cref="ModelImageBuilds"/>).
/// </summary>
internal static class ImagesExtensions
{
    public static IServiceCollection AddWharfModelImages(this IServiceCollection services)
    {
        services.AddOptions<ImagesOptions>()
            .BindConfiguration(ImagesOptions.Section)
            .Validate(o => o.PollInterval >= TimeSpan.Zero, "Wharf:Images:PollInterval must not be negative (zero turns the background builder off).")
            .Validate(o => o.LeaseDuration > TimeSpan.Zero, "Wharf:Images:LeaseDuration must be positive.")
            .ValidateOnStart();
        services.AddSingleton<ModelImageSignal>();
        services.AddSingleton<ServingRuntimeLayer>();
        services.AddScoped<ModelImageBuilder>();
        services.AddScoped<ModelImageBuilds>();
        services.AddScoped<ModelImageSettingsStore>();
        services.AddEventSubscriber<ModelImageSubscriber>();
        services.AddHostedService<ModelImageBuildService>();
        return services;
    }

    public static IEndpointRouteBuilder MapWharfModelImages(this IEndpointRouteBuilder endpoints) => endpoints.MapModelImageEndpoints();
}
