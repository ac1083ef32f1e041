namespace Wharf.Server.Data;

internal static class DataExtensions
{
    public static IServiceCollection AddWharfData(this IServiceCollection services)
    {
        services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section).ValidateOnStart();
        return services;
    }
}
