namespace Wharf.Serving.Hosting;

/// <summary>
/// wharf-serve's command-line shortcuts, rewritten into ASP.NET Core configuration switches:
/// <c>--model-repository DIR</c> → <c>--Serving:ModelRepository DIR</c>, <c>--port N</c> → <c>--urls http://127.0.0.1:N</c>.
/// Everything else passes through, so <c>--Serving:WarmUp false</c> or <c>--urls http://0.0.0.0:8000</c> work as usual.
/// </summary>
internal static class ServingCommandLine
{
    public static string[] Normalize(string[] args)
    {
        var result = new List<string>(args.Length);
        for (var i = 0; i < args.Length; i++)
        {
            var (option, value) = Split(args[i]);
            if (option is "--model-repository" or "--port")
            {
                if (value is null)
                {
                    if (i + 1 >= args.Length)
                    {
                        throw new ArgumentException($"{option} needs a value.");
                    }

                    value = args[++i];
                }

                if (option == "--port")
                {
                    if (!int.TryParse(value, out var port) || port is < 0 or > 65535)
                    {
                        throw new ArgumentException($"--port needs a port number, not '{value}'.");
                    }

                    result.Add("--urls");
                    result.Add($"http://127.0.0.1:{port}");
                }
                else
                {
                    result.Add("--Serving:ModelRepository");
                    result.Add(value);
                }
            }
            else
            {
                result.Add(args[i]);
            }
        }

        return [.. result];
    }

    private static (string Option, string? Value) Split(string arg)
    {
        var equals = arg.IndexOf('=', StringComparison.Ordinal);
        return arg.StartsWith("--", StringComparison.Ordinal) && equals > 0 ? (arg[..equals], arg[(equals + 1)..]) : (arg, null);
    }
}
