namespace Wharf.Server.Events;

internal static class EventsExtensions
{
    public static IServiceCollection AddWharfEvents(this IServiceCollection services)
    {
        return services;
    }
}
