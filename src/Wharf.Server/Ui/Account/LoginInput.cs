using System.ComponentModel.DataAnnotations;

namespace Wharf.Server.Ui.Account;

/// <summary>The sign-in form's fields.</summary>
internal sealed class LoginInput
{
    [Required(ErrorMessage = "Enter your username.")]
    [StringLength(Auth.User.MaxUsernameLength, ErrorMessage = "A username has at most {1} characters.")]
    public string? Username { get; set; }

    [Required(ErrorMessage = "Enter your password or an access token.")]
    [StringLength(1024, ErrorMessage = "A password has at most {1} characters.")]
    public string? Password { get; set; }
}
