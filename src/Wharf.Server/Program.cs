return await Wharf.Server.Hosting.WharfServer.RunAsync(args);
