namespace Wharf.Cli;

internal enum OutputFormat
{
    Text,
    Json,
}
