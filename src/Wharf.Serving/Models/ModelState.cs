namespace Wharf.Serving.Models;

/// <summary>A model version's state, as the model repository extension names it (see <see cref="ModelStates"/>).</summary>
internal enum ModelState
{
    Unavailable,
    Loading,
    Ready,
}
