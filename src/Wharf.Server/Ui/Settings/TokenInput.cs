using System.ComponentModel.DataAnnotations;
using Wharf.Server.Auth;

namespace Wharf.Server.Ui.Settings;

/// <summary>The new-token forms; <see cref="OwnerId"/> is the project (my tokens) or the service account.</summary>
internal sealed class TokenInput
{
    [Required(ErrorMessage = "Enter a name that says where the token is used.")]
    [StringLength(AccessToken.MaxNameLength, ErrorMessage = "A token name has at most {1} characters.")]
    public string? Name { get; set; }

    [Required(ErrorMessage = "Choose one.")]
    public long? OwnerId { get; set; }

    [Range(1, 3650, ErrorMessage = "A token lives 1 to 3650 days.")]
    public int Days { get; set; } = 90;
}
