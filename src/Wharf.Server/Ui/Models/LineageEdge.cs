namespace Wharf.Server.Ui.Models;

/// <summary>A line of the lineage graph between two boxes (indexes into the nodes); an arrow unless it is a containment.</summary>
public readonly record struct LineageEdge(int From, int To, bool Containment = false);
