namespace Wharf.Server.Ui.Experiments;

/// <summary>Ten distinguishable series colours (Tableau 10), one per compared run.</summary>
internal static class ChartColors
{
    private static readonly string[] Palette =
        ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];

    public static string Of(int index) => Palette[index % Palette.Length];
}
