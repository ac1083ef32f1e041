namespace Wharf.Server.Ui.Models;

/// <summary>
/// A box of the lineage graph: what it is (dataset, run, experiment, version, alias), its label, where it links, and
/// its place (column left to right, row top to bottom within the column).
/// </summary>
public sealed record LineageNode(string Kind, string Label, string? Href, int Column, int Row, string? Title = null, bool Current = false);
