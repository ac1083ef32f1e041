namespace Wharf.Serving.Models;

/// <summary>Wire names of <see cref="ModelState"/>.</summary>
internal static class ModelStates
{
    public static string ToWireName(this ModelState state) => state switch
    {
        ModelState.Loading => "LOADING",
        ModelState.Ready => "READY",
        _ => "UNAVAILABLE",
    };
}
