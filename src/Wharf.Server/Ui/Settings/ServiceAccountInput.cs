using System.ComponentModel.DataAnnotations;
using Wharf.Server.Auth;

namespace Wharf.Server.Ui.Settings;

/// <summary>The new-service-account form.</summary>
internal sealed class ServiceAccountInput
{
    [Required(ErrorMessage = "Enter a name for the service account.")]
    [StringLength(ServiceAccount.MaxNameLength, ErrorMessage = "A service account name has at most {1} characters.")]
    [RegularExpression("^[a-z0-9]+(?:[._-][a-z0-9]+)*$",
        ErrorMessage = "Use lowercase letters and digits, joined by single '.', '_' or '-' (for example ci).")]
    public string? Name { get; set; }

    [Required(ErrorMessage = "Choose a role.")]
    [EnumDataType(typeof(ProjectRole), ErrorMessage = "Choose a known role.")]
    public ProjectRole Role { get; set; } = ProjectRole.Developer;
}
