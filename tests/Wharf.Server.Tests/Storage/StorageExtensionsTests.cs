using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Wharf.Server.Hosting;
using Wharf.Server.Storage;
using Wharf.Server.Tests.Infrastructure;

namespace Wharf.Server.Tests.Storage;

public sealed class StorageExtensionsTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void AddWharfStorage_NoConfiguration_UsesFileSystemUnderDataDirectory()
    {
        using var services = Build([]);

        var store = Assert.IsType<FileSystemBlobStore>(services.GetRequiredService<IBlobStore>());

        Assert.Equal(_directory.Combine("blobs"), store.Root);
        Assert.Equal(new BlobStoreDescription("filesystem", _directory.Combine("blobs")), services.GetRequiredService<BlobStoreDescription>());
        Assert.True(Directory.Exists(_directory.Combine("blobs", FileSystemBlobStore.TempDirectoryName)));
    }

    [Fact]
    public void AddWharfStorage_ExplicitPath_UsesIt()
    {
        var path = _directory.Combine("elsewhere");
        using var services = Build(new() { ["Wharf:Storage:Path"] = path });

        Assert.Equal(path, Assert.IsType<FileSystemBlobStore>(services.GetRequiredService<IBlobStore>()).Root);
    }

    [Theory]
    [InlineData("memory")]
    [InlineData("Memory")]
    public void AddWharfStorage_MemoryProvider_UsesInMemoryStore(string provider)
    {
        using var services = Build(new() { ["Wharf:Storage:Provider"] = provider });

        Assert.IsType<InMemoryBlobStore>(services.GetRequiredService<IBlobStore>());
        Assert.Equal(new BlobStoreDescription("memory", null), services.GetRequiredService<BlobStoreDescription>());
        Assert.False(Directory.Exists(_directory.Combine("blobs")));
    }

    [Theory]
    [InlineData("s3", "Wharf:Storage:Provider must be 'filesystem' or 'memory'")]
    [InlineData("", "Wharf:Storage:Provider must be 'filesystem' or 'memory'")]
    [InlineData("../etc", "Wharf:Storage:Provider must be 'filesystem' or 'memory'")]
    public void AddWharfStorage_UnknownProvider_FailsStartValidationNamingTheKey(string provider, string message)
    {
        using var services = Build(new() { ["Wharf:Storage:Provider"] = provider });

        var ex = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddWharfStorage_PathWithNulCharacter_FailsStartValidationNamingTheKey()
    {
        using var services = Build(new() { ["Wharf:Storage:Path"] = "blobs\0evil" });

        var ex = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("Wharf:Storage:Path", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddWharfStorage_PathIsAFile_StartFailsWithMessageNamingTheKey()
    {
        var file = _directory.Combine("occupied");
        await File.WriteAllTextAsync(file, "a file, not a directory");
        using var services = Build(new() { ["Wharf:Storage:Path"] = file });

        var ex = await Assert.ThrowsAsync<StartupException>(
            () => services.GetServices<IHostedService>().OfType<BlobStoreInitializer>().Single().StartAsync(CancellationToken.None));

        Assert.Contains("Wharf:Storage:Path", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadinessCheck_WritableStore_IsHealthy()
    {
        using var services = Build([]);

        var report = await services.GetRequiredService<HealthCheckService>()
            .CheckHealthAsync(r => r.Tags.Contains(HostingExtensions.ReadyTag));

        Assert.Equal(HealthStatus.Healthy, report.Entries["blob-store"].Status);
    }

    [Fact]
    public async Task ReadinessCheck_StoreNotWritable_IsUnhealthy()
    {
        using var services = Build([]);
        var store = Assert.IsType<FileSystemBlobStore>(services.GetRequiredService<IBlobStore>());
        var temp = Path.Combine(store.Root, FileSystemBlobStore.TempDirectoryName);
        Directory.Delete(temp);
        await File.WriteAllTextAsync(temp, "not a directory");

        var report = await services.GetRequiredService<HealthCheckService>()
            .CheckHealthAsync(r => r.Tags.Contains(HostingExtensions.ReadyTag));

        Assert.Equal(HealthStatus.Unhealthy, report.Status);
        Assert.Contains("blob store is not writable", report.Entries["blob-store"].Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadinessCheck_DiskFull_IsUnhealthyAndSaysSo()
    {
        using var services = Build([]);

        HealthReport report;
        using (Failpoints.Enable(FileSystemBlobStore.WriteFailpoint, Failpoints.FailAction.Enospc))
        {
            report = await services.GetRequiredService<HealthCheckService>()
                .CheckHealthAsync(r => r.Tags.Contains(HostingExtensions.ReadyTag));
        }

        Assert.Equal(HealthStatus.Unhealthy, report.Status);
        Assert.Contains("blob store disk is full", report.Entries["blob-store"].Description, StringComparison.Ordinal);
    }

    private ServiceProvider Build(Dictionary<string, string?> settings)
    {
        settings["Wharf:DataDirectory"] = _directory.Path;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddOptions<WharfOptions>().BindConfiguration(WharfOptions.Section);
        services.AddWharfStorage();
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }
}
