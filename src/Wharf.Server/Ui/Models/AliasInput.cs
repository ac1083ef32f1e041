namespace Wharf.Server.Ui.Models;

/// <summary>
/// The move-alias form: the alias and the version to point it at. Posted twice: first to ask for confirmation, then,
/// from the confirmation, with the same values to move it.
/// </summary>
internal sealed class AliasInput
{
    public string? Alias { get; set; }

    public int? Version { get; set; }

    /// <summary>Set by the confirmation step's form; without it a post only asks.</summary>
    public bool Confirmed { get; set; }
}
