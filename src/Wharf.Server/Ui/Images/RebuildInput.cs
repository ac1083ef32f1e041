namespace Wharf.Server.Ui.Images;

/// <summary>The rebuild form: a button; the version comes from the page's route, re-checked on post.</summary>
internal sealed class RebuildInput
{
    public bool Rebuild { get; set; }
}
