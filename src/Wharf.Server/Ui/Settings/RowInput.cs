namespace Wharf.Server.Ui.Settings;

/// <summary>A per-row action (remove, delete, revoke): the row's id, posted by the button that was pressed.</summary>
internal sealed class RowInput
{
    public long? Id { get; set; }
}
