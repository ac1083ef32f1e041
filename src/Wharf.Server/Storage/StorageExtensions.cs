namespace Wharf.Server.Storage;

internal static class StorageExtensions
{
    public static IServiceCollection AddWharfStorage(this IServiceCollection services)
    {
        // Provisional: the filesystem driver becomes the default with the storage work.
        services.AddSingleton<IBlobStore, InMemoryBlobStore>();
        services.AddSingleton(new BlobStoreDescription("memory", null));
        return services;
    }
}
