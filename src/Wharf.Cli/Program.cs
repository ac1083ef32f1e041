return await Wharf.Cli.CliApp.RunAsync(args, Console.Out, Console.Error, Console.In);
