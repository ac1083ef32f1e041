using Microsoft.Extensions.Options;
using Wharf.Server.Hosting;

namespace Wharf.Server.Storage;

internal static class StorageExtensions
{
    public static IServiceCollection AddWharfStorage(this IServiceCollection services)
    {
        services.AddOptions<StorageOptions>()
            .BindConfiguration(StorageOptions.Section)
            .PostConfigure<IOptions<WharfOptions>>((storage, wharf) =>
            {
                if (string.IsNullOrWhiteSpace(storage.Path))
                {
                    storage.Path = Path.Combine(wharf.Value.DataDirectoryFullPath, "blobs");
                }
            })
            .Validate(
                o => o.IsFileSystem || o.IsMemory,
                $"{StorageOptions.Section}:Provider must be '{StorageOptions.FileSystemProvider}' or '{StorageOptions.MemoryProvider}'.")
            .Validate(
                o => !o.IsFileSystem || IsValidPath(o.Path),
                $"{StorageOptions.Section}:Path must be a directory path.")
            .ValidateOnStart();

        services.AddSingleton<IBlobStore>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            return options.IsMemory
                ? new InMemoryBlobStore()
                : new FileSystemBlobStore(
                    options.FullPath,
                    sp.GetRequiredService<ILogger<FileSystemBlobStore>>(),
                    sp.GetRequiredService<TimeProvider>());
        });
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            return options.IsMemory
                ? new BlobStoreDescription(StorageOptions.MemoryProvider, null)
                : new BlobStoreDescription(StorageOptions.FileSystemProvider, options.FullPath);
        });
        services.AddHostedService<BlobStoreInitializer>();
        services.AddHealthChecks().AddCheck<BlobStoreHealthCheck>("blob-store", tags: [HostingExtensions.ReadyTag]);
        return services;
    }

    private static bool IsValidPath(string? path)
    {
        if (string.IsNullOrWhiteSpace(path) || path.AsSpan().IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            return false;
        }

        try
        {
            _ = Path.GetFullPath(path);
            return true;
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return false;
        }
    }
}
