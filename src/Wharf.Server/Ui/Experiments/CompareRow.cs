namespace Wharf.Server.Ui.Experiments;

/// <summary>
/// One key across compared runs: each run's value (null where the run lacks the key) and whether they differ. Public
/// because <see cref="CompareTable"/>, which takes it as a parameter, is generated public by Razor.
/// </summary>
public sealed record CompareRow(string Key, IReadOnlyList<string?> Values, bool Differs);
