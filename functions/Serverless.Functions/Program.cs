using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serverless.Functions;
using Serverless.Functions.Identity;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();

// First of the app's middleware, so that it wraps the identity middleware and records refusals too.
builder.UseMiddleware<Serverless.Functions.Governance.AuditMiddleware>();
// Who may call each HTTP function (its [RequireRole]/[Public]) is enforced before the function body runs.
builder.UseMiddleware<AuthorizationMiddleware>();

// The worker does not read host.json's log levels. ASP.NET Core's per-request Information logs would each travel to the
// host over gRPC: measured, they cost a third of the throughput of a prediction (docs/benchmarks.md).
builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
builder.Services.AddServerlessApp(builder.Configuration);
builder.Build().Run();
