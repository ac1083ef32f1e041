namespace Wharf.Server.Storage;

internal static class StorageExtensions
{
    public static IServiceCollection AddWharfStorage(this IServiceCollection services)
    {
        return services;
    }
}
