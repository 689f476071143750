using Serverless.LocalRuntime;

var app = LocalRuntimeApplication.Build(args);
await app.RunAsync();
