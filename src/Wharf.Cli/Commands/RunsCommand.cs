using System.CommandLine;

namespace Wharf.Cli.Commands;

/// <summary><c>wharf runs</c>: MLflow runs through <c>/api/2.0/mlflow/runs</c>.</summary>
internal static class RunsCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr) => new("runs", "List, search, inspect, create, log to, end, delete and restore tracking runs")
    {
        RunsSearchCommand.CreateList(stdout, stderr),
        RunsSearchCommand.CreateSearch(stdout, stderr),
        RunsShowCommand.Create(stdout, stderr),
        RunsLogCommand.Create(stdout, stderr),
        RunsLifecycleCommand.CreateCreate(stdout, stderr),
        RunsLifecycleCommand.CreateEnd(stdout, stderr),
        RunsLifecycleCommand.CreateRemove(stdout, stderr),
        RunsLifecycleCommand.CreateRestore(stdout, stderr),
    };

    public static Option<string> ExperimentOption() => new("--experiment", "-e")
    {
        Description = "The experiment, by id or name ('<project>/<name>' when several projects hold the name)",
        Required = true,
    };
}
