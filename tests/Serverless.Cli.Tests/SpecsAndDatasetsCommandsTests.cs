namespace Serverless.Cli.Tests;

public sealed class SpecsAndDatasetsCommandsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mlops-cli-tests-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task SpecsPut_NewSpec_SendsTheFileAsItIsAndSaysNew()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("PUT", "/specs/churn", 201, Canned.SpecStored);
        string spec = "{\n  \"task\": \"binary\",\n  \"trainer\": {\"name\": \"fasttree\"}\n}\n";
        string file = Write("churn.json", spec);

        CliResult result = await Cli.RunAsync(platform, "specs", "put", "churn", file, "--as", "alice");

        Assert.Equal(0, result.ExitCode);
        RecordedRequest request = Assert.Single(platform.Requests);
        Assert.Equal("PUT", request.Method);
        Assert.Equal(spec, request.Body);
        Assert.StartsWith("application/json", request.ContentType, StringComparison.Ordinal);
        Assert.Contains("Stored churn spec version 2 (new).", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("0123456789abcdef0123", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SpecsPut_SameAsLatest_SaysUnchanged()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("PUT", "/specs/churn", 200, Canned.SpecUnchanged);

        CliResult result = await Cli.RunAsync(platform, "specs", "put", "churn", Write("churn.json", """{"task":"binary"}"""));

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Unchanged: churn spec version 2 already has this content.", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SpecsPut_InvalidSpec_PrintsEveryFieldErrorAndExits2()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("PUT", "/specs/churn", 400, Canned.SpecErrors);

        CliResult result = await Cli.RunAsync(platform, "specs", "put", "churn", Write("churn.json", """{"task":"binary"}"""));

        Assert.Equal(2, result.ExitCode);
        string[] lines = result.Stderr.TrimEnd().Split(Environment.NewLine);
        Assert.Equal(
            [
                "The spec has 2 errors.",
                "  data.features[0].type: must be 'numeric' or 'categorical', not 'text'",
                "  trainer.name: unknown trainer 'xgboost'; use fasttree, lightgbm, linear or external",
            ],
            lines);
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public async Task SpecsPut_FileIsNotJson_Exits2WithoutARequest()
    {
        await using var platform = await FakePlatform.StartAsync();

        CliResult result = await Cli.RunAsync(platform, "specs", "put", "churn", Write("churn.json", "task: binary"));

        Assert.Equal(2, result.ExitCode);
        Assert.Empty(platform.Requests);
        Assert.Contains("churn.json is not valid JSON", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SpecsPut_FileMissing_Exits2WithoutARequest()
    {
        await using var platform = await FakePlatform.StartAsync();

        CliResult result = await Cli.RunAsync(platform, "specs", "put", "churn", Path.Combine(_folder, "missing.json"));

        Assert.Equal(2, result.ExitCode);
        Assert.Empty(platform.Requests);
        Assert.Contains("missing.json", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SpecsGet_Version_AsksForThatVersionAndPrintsTheSpec()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("GET", "/specs/churn?version=2", 200, Canned.SpecStored);

        CliResult result = await Cli.RunAsync(platform, "specs", "get", "churn", "--version", "2");

        Assert.Equal(0, result.ExitCode);
        Assert.Single(platform.RequestsTo("GET", "/specs/churn?version=2"));
        Assert.Contains("\"task\": \"binary\"", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SpecsGet_UnknownModel_PrintsTheApiErrorAndExits2()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("GET", "/specs/nope", 404, """{"error":"No spec for model 'nope'. Write one with PUT /specs/nope."}""");

        CliResult result = await Cli.RunAsync(platform, "specs", "get", "nope");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("No spec for model 'nope'. Write one with PUT /specs/nope.", result.Stderr.TrimEnd());
    }

    [Fact]
    public async Task SpecsList_Specs_PrintsTaskTrainerDataAndApproval()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("GET", "/specs", 200, Canned.Specs);

        CliResult result = await Cli.RunAsync(platform, "specs", "list");

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"churn\s*│\s*2\s*│\s*binary\s*│\s*lightgbm\s*│\s*dataset:churn-data\s*│\s*manual\s*│\s*0 0 3 \* \* \*", result.Stdout);
    }

    [Fact]
    public async Task DatasetsUpload_CsvFile_SendsItsBytesAsCsv()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("POST", "/datasets/adult", 201, Canned.Dataset);
        string csv = "age,sex,income\n39,Male,<=50K\n50,Female,>50K\n";

        CliResult result = await Cli.RunAsync(platform, "datasets", "upload", "adult", Write("adult.csv", csv));

        Assert.Equal(0, result.ExitCode);
        RecordedRequest request = Assert.Single(platform.Requests);
        Assert.Equal(csv, request.Body);
        Assert.Equal("text/csv", request.ContentType);
        Assert.Contains("d5e1a7d5e1a7d5e1a7", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("2.0 KiB", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DatasetsShow_Dataset_PrintsItsHashAndUploader()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("GET", "/datasets/adult", 200, Canned.Dataset);

        CliResult result = await Cli.RunAsync(platform, "datasets", "show", "adult");

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"SHA-256\s+d5e1a7d5e1a7d5e1a7", result.Stdout);
        Assert.Matches(@"By\s+alice", result.Stdout);
    }

    [Fact]
    public async Task DatasetsList_Datasets_PrintsTable()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("GET", "/datasets", 200, Canned.Datasets);

        CliResult result = await Cli.RunAsync(platform, "datasets", "list");

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"adult\s*│\s*d5e1a7d5e1a7\s*│\s*2\.0 KiB\s*│\s*2026-11-27 10:00:00Z\s*│\s*alice", result.Stdout);
    }

    private string Write(string name, string content)
    {
        string path = Path.Combine(_folder, name);
        File.WriteAllText(path, content);
        return path;
    }
}
