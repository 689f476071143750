using Serverless.Cli;

return await CliApp.RunAsync(args, handler: null, Console.Out, Console.Error);
