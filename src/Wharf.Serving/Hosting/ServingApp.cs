namespace Wharf.Serving.Hosting;

/// <summary>
/// Builds and runs wharf-serve: <c>Program.cs</c> runs it as its own process, <c>wharf serve</c> runs it inside the
/// CLI's process (with its own registry credentials, given as services to <see cref="Build"/>).
/// </summary>
internal static class ServingApp
{
    public static WebApplication Build(string[] args, Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateSlimBuilder(ServingCommandLine.Normalize(args));
        builder.AddServing();
        configureServices?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapServing();
        return app;
    }

    public static async Task RunAsync(string[] args, CancellationToken cancellationToken = default)
    {
        await using var app = Build(args);
        await app.RunAsync(cancellationToken);
    }
}
