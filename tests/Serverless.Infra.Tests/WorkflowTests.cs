using System.Text.RegularExpressions;
using Serverless.Testing;
using YamlDotNet.Serialization;

namespace Serverless.Infra.Tests;

public sealed partial class WorkflowTests(MainTemplateTests.CompiledMain compiled) : IClassFixture<MainTemplateTests.CompiledMain>
{
    private static readonly string WorkflowPath = Path.Combine(RepositoryPaths.Root, ".github", "workflows", "ci.yml");

    [Fact]
    public void Deploy_ReadsOutputsOnlyThroughTheCaseInsensitiveScript_AndMainDeclaresEachOne()
    {
        string run = Step(s => s.TryGetValue("id", out var id) && (string)id == "infra")["run"].ToString()!;
        var outputs = compiled.Template.Root.GetProperty("outputs").EnumerateObject().Select(o => o.Name).ToList();

        Assert.Contains("bash .github/scripts/deployment-outputs.sh outputs.json", run.Replace("\\\n", " ", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotMatch(@"jq\s+-r\s+\.", run); // no case-sensitive path into the outputs
        var pairs = OutputPair().Matches(run).Select(m => (Key: m.Groups["key"].Value, Name: m.Groups["name"].Value)).ToList();
        Assert.NotEmpty(pairs);
        Assert.All(pairs, p => Assert.Contains(outputs, o => string.Equals(o, p.Name, StringComparison.OrdinalIgnoreCase)));

        // Every output a later step reads is one the script writes.
        var used = InfraOutputUse().Matches(File.ReadAllText(WorkflowPath)).Select(m => m.Groups["key"].Value).Distinct().ToList();
        Assert.NotEmpty(used);
        Assert.All(used, key => Assert.Contains(key, pairs.Select(p => p.Key)));
    }

    [Fact]
    public void Deploy_ZipDeploymentRunsUnderABoundedRetryWithinTheJobTimeout()
    {
        var step = Step(s => s.TryGetValue("run", out var r) && r.ToString()!.Contains("config-zip", StringComparison.Ordinal));
        string run = step["run"].ToString()!;

        Assert.StartsWith("bash .github/scripts/retry.sh ", run, StringComparison.Ordinal);
        int maxSeconds = int.Parse(MaxSeconds().Match(run).Groups["seconds"].Value, System.Globalization.CultureInfo.InvariantCulture);
        int jobMinutes = int.Parse(DeployJob()["timeout-minutes"].ToString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(maxSeconds, 60, 900);
        Assert.True(maxSeconds < jobMinutes * 60, $"the retry budget ({maxSeconds} s) must end before the job's timeout ({jobMinutes} min)");
    }

    [Fact]
    public void Readme_DocumentsTheFederatedCredentialOfEveryEnvironmentTheWorkflowCanDeploy()
    {
        string readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md"));
        int start = readme.IndexOf("## Deploy to Azure", StringComparison.Ordinal);
        Assert.True(start >= 0, "README has no Deploy to Azure section");
        int end = readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        string section = end < 0 ? readme[start..] : readme[start..end];

        // The deploy job runs in the GitHub environment named like the parameter file (DEPLOY_ENVIRONMENT, else prod).
        Assert.Contains("vars.DEPLOY_ENVIRONMENT || 'prod'", DeployJob()["environment"].ToString()!, StringComparison.Ordinal);
        foreach (string environment in Directory.GetFiles(Path.Combine(BicepCli.InfraFolder, "env"), "*.bicepparam").Select(f => Path.GetFileNameWithoutExtension(f)))
        {
            Assert.Contains($"repo:<owner>/<repo>:environment:{environment}", section, StringComparison.Ordinal);
        }
    }

    private static Dictionary<object, object> DeployJob()
    {
        var workflow = new DeserializerBuilder().Build().Deserialize<Dictionary<object, object>>(File.ReadAllText(WorkflowPath));
        return (Dictionary<object, object>)((Dictionary<object, object>)workflow["jobs"])["deploy"];
    }

    private static Dictionary<object, object> Step(Func<Dictionary<object, object>, bool> match) =>
        Assert.Single(((List<object>)DeployJob()["steps"]).Cast<Dictionary<object, object>>(), s => match(s));

    [GeneratedRegex(@"\b(?<key>[a-z_]+)=(?<name>[A-Z][A-Z_]+)\b")]
    private static partial Regex OutputPair();

    [GeneratedRegex(@"steps\.infra\.outputs\.(?<key>[a-z_]+)")]
    private static partial Regex InfraOutputUse();

    [GeneratedRegex(@"--max-seconds\s+(?<seconds>\d+)")]
    private static partial Regex MaxSeconds();
}
