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
