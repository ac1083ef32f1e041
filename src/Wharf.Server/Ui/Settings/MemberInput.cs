using System.ComponentModel.DataAnnotations;
using Wharf.Server.Auth;

namespace Wharf.Server.Ui.Settings;

/// <summary>The add-or-change-member form: a user by name and the role to give them.</summary>
internal sealed class MemberInput
{
    [Required(ErrorMessage = "Enter a username.")]
    [StringLength(Auth.User.MaxUsernameLength, ErrorMessage = "A username has at most {1} characters.")]
    public string? Username { get; set; }

    [Required(ErrorMessage = "Choose a role.")]
    [EnumDataType(typeof(ProjectRole), ErrorMessage = "Choose a known role.")]
    public ProjectRole Role { get; set; } = ProjectRole.Developer;
}
