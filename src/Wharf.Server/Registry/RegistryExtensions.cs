namespace Wharf.Server.Registry;

internal static class RegistryExtensions
{
    public static IServiceCollection AddWharfRegistry(this IServiceCollection services)
    {
        services.AddOptions<RegistryOptions>()
            .BindConfiguration(RegistryOptions.Section)
            .Validate(o => o.UploadSessionLifetime > TimeSpan.Zero, "Wharf:Registry:UploadSessionLifetime must be positive.")
            .Validate(o => o.GarbageCollectionGracePeriod >= TimeSpan.Zero, "Wharf:Registry:GarbageCollectionGracePeriod must not be negative.")
            .Validate(o => o.GarbageCollectionInterval >= TimeSpan.Zero, "Wharf:Registry:GarbageCollectionInterval must not be negative (0 turns the schedule off).")
            .Validate(o => o.MaxPageSize is > 0 and <= 100_000, "Wharf:Registry:MaxPageSize must be between 1 and 100000.")
            .ValidateOnStart();
        services.AddScoped<RegistryStore>();
        services.AddScoped<RegistryBrowser>();
        services.AddSingleton<BlobLocks>();
        services.AddSingleton<RegistryManifestCache>();
        services.AddSingleton<RegistryGarbageCollector>();
        services.AddSingleton<RegistryFsck>();
        services.AddHostedService<GarbageCollectionService>();
        return services;
    }
}
