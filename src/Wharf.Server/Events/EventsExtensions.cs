using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Wharf.Server.Events;

internal static class EventsExtensions
{
    /// <summary>Registers the outbox: the commit hook on every <c>WharfDbContext</c> and the dispatcher.</summary>
    public static IServiceCollection AddWharfEvents(this IServiceCollection services)
    {
        services.AddOptions<EventsOptions>()
            .BindConfiguration(EventsOptions.Section)
            .Validate(o => o.PollInterval > TimeSpan.Zero, "Wharf:Events:PollInterval must be positive.")
            .Validate(o => o.BatchSize > 0, "Wharf:Events:BatchSize must be positive.")
            .Validate(o => o.LeaseDuration > TimeSpan.Zero, "Wharf:Events:LeaseDuration must be positive.")
            .Validate(o => o.RetryBaseDelay > TimeSpan.Zero && o.RetryMaxDelay >= o.RetryBaseDelay,
                "Wharf:Events:RetryBaseDelay must be positive and at most Wharf:Events:RetryMaxDelay.")
            .Validate(o => o.Retention > TimeSpan.Zero, "Wharf:Events:Retention must be positive.")
            .ValidateOnStart();
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<IInterceptor, OutboxInterceptor>();
        services.AddSingleton<OutboxProcessor>();
        services.AddHostedService<EventDispatcher>();
        return services;
    }

    /// <summary>
    /// Registers an in-process subscriber (scoped: each delivery resolves it in a fresh scope). Its
    /// <see cref="IEventSubscriber.Name"/> must be unique and stable across releases.
    /// </summary>
    public static IServiceCollection AddEventSubscriber<TSubscriber>(this IServiceCollection services)
        where TSubscriber : class, IEventSubscriber
        => services.AddScoped<IEventSubscriber, TSubscriber>();
}
