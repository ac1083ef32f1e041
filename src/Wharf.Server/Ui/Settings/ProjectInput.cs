using System.ComponentModel.DataAnnotations;

namespace Wharf.Server.Ui.Settings;

/// <summary>The new-project form.</summary>
internal sealed class ProjectInput
{
    [Required(ErrorMessage = "Enter a project name.")]
    [StringLength(Auth.Project.MaxNameLength, ErrorMessage = "A project name has at most {1} characters.")]
    [RegularExpression("^[a-z0-9]+(?:[._-][a-z0-9]+)*$",
        ErrorMessage = "Use lowercase letters and digits, joined by single '.', '_' or '-' (for example ml-team).")]
    public string? Name { get; set; }
}
