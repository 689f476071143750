using System.Reflection;
using Microsoft.Azure.Functions.Worker;
using Serverless.Core.Governance;
using Serverless.Functions.Identity;

namespace Serverless.Functions.Tests.Identity;

public sealed class FunctionAccessCatalogTests
{
    [Fact]
    public void All_EveryHttpFunction_DeclaresRolesOrIsPublic()
    {
        var undeclared = FunctionAccessCatalog.All.Where(a => !a.Declared).Select(a => $"{a.Name} ({string.Join("/", a.Methods)} /{a.Route})").ToList();

        Assert.True(undeclared.Count == 0, "HTTP functions without [RequireRole(...)] or [Public] (exactly one of them): " + string.Join(", ", undeclared));
    }

    [Fact]
    public void All_ComparedWithReflection_CoversEveryHttpTriggerFunction()
    {
        var httpFunctions = typeof(FunctionAccessCatalog).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(m => m.GetParameters().Any(p => p.IsDefined(typeof(HttpTriggerAttribute))))
            .Select(m => m.GetCustomAttribute<FunctionAttribute>()!.Name)
            .Order(StringComparer.Ordinal);

        Assert.Equal(httpFunctions, FunctionAccessCatalog.All.Select(a => a.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void EveryHttpFunction_IsAnonymousAtTheHost()
    {
        // The app is the only gate (tokens and function keys alike): a host-level key check would refuse a caller with
        // only a token before the app saw it, and would not tell the worker which key it accepted.
        var keyed = typeof(FunctionAccessCatalog).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m, Trigger: m.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).FirstOrDefault(t => t is not null)))
            .Where(f => f.Trigger is not null && f.Trigger.AuthLevel != AuthorizationLevel.Anonymous)
            .Select(f => $"{f.Method.GetCustomAttribute<FunctionAttribute>()?.Name ?? f.Method.Name} ({f.Trigger!.AuthLevel})")
            .ToList();

        Assert.True(keyed.Count == 0, "HTTP functions not AuthorizationLevel.Anonymous at the host: " + string.Join(", ", keyed));
    }

    [Fact]
    public void All_RolesDeclared_ArePlatformRoles()
    {
        var unknown = FunctionAccessCatalog.All.SelectMany(a => a.Roles.Where(r => !PlatformRoles.All.Contains(r)).Select(r => $"{a.Name}: {r}")).ToList();

        Assert.Empty(unknown);
    }

    [Theory]
    [InlineData("PredictRecords", PlatformRoles.Consumer)]
    [InlineData("ModelInfer", PlatformRoles.Consumer)]
    [InlineData("RegisterModelVersion", PlatformRoles.DataScientist)]
    [InlineData("StartRetraining", PlatformRoles.DataScientist)]
    [InlineData("SetModelAlias", PlatformRoles.Operator)]
    [InlineData("RollbackModel", PlatformRoles.Operator)]
    [InlineData("SetAliasCanary", PlatformRoles.Operator)]
    [InlineData("PromoteAliasCanary", PlatformRoles.Operator)]
    [InlineData("AbortAliasCanary", PlatformRoles.Operator)]
    [InlineData("SetAliasShadow", PlatformRoles.Operator)]
    [InlineData("StopAliasShadow", PlatformRoles.Operator)]
    [InlineData("DecideRetraining", PlatformRoles.Approver)]
    [InlineData("StartBatch", PlatformRoles.Operator)]
    public void Find_GovernedAction_NeedsExactlyItsRole(string function, string role)
    {
        var access = FunctionAccessCatalog.Find(function);

        Assert.NotNull(access);
        Assert.Equal([role], access.Roles);
    }

    [Theory]
    [InlineData("GetSamplingStatistics")]
    [InlineData("GetModelMonitoring")]
    [InlineData("GetMetrics")]
    public void Find_MonitoringReads_OnlyAuditorsAndOperators(string function)
    {
        Assert.Equal([PlatformRoles.Auditor, PlatformRoles.Operator], FunctionAccessCatalog.Find(function)!.Roles.Order(StringComparer.Ordinal));
    }
}
