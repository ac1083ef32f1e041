namespace Wharf.Server.Ui;

internal static class UiExtensions
{
    public static IServiceCollection AddWharfUi(this IServiceCollection services)
    {
        return services;
    }

    public static IEndpointRouteBuilder MapWharfUi(this IEndpointRouteBuilder endpoints)
    {
        return endpoints;
    }
}
