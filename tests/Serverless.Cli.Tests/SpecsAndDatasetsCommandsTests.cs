namespace Serverless.Cli.Tests;

public sealed class SpecsAndDatasetsCommandsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mlops-cli-tests-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task SpecsPut_NewSpec_SendsTheFileAsItIsAndSaysNew()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("PUT", "/specs/loan-approval", 201, Canned.SpecStored);
        string spec = "{\n  \"task\": \"binary\",\n  \"trainer\": {\"name\": \"fasttree\"}\n}\n";
        string file = Write("churn.json", spec);

        CliResult result = await Cli.RunAsync(platform, "specs", "put", "loan-approval", file, "--token", "alice");

        Assert.Equal(0, result.ExitCode);
        RecordedRequest request = Assert.Single(platform.Requests);
        Assert.Equal("PUT", request.Method);
        Assert.Equal(spec, request.Body);
        Assert.StartsWith("application/json", request.ContentType, StringComparison.Ordinal);
        Assert.Contains("Stored loan-approval spec version 2 (new).", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("d9b917734e9aaec083c1ac6177eaad20527f6400e79261aa308ba0cb7ba7a29d", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SpecsPut_SameAsLatest_SaysUnchanged()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("PUT", "/specs/loan-approval", 200, Canned.SpecUnchanged);

        CliResult result = await Cli.RunAsync(platform, "specs", "put", "loan-approval", Write("spec.json", """{"task":"binary"}"""));

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Unchanged: loan-approval spec version 2 already has this content.", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SpecsPut_InvalidSpec_PrintsEveryFieldErrorAndExits2()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("PUT", "/specs/loan-approval", 400, Canned.SpecErrors);

        CliResult result = await Cli.RunAsync(platform, "specs", "put", "loan-approval", Write("spec.json", """{"task":"x"}"""));

        Assert.Equal(2, result.ExitCode);
        string[] lines = result.Stderr.TrimEnd().Split(Environment.NewLine);
        Assert.Equal(6, lines.Length);
        Assert.Equal("The spec has 5 errors, each listed in 'errors' with its field.", lines[0]);
        Assert.Equal(
            [
                "  task: 'x' is not a task: use one of binary, multiclass, regression.",
                "  data: Give exactly one of data.source (a blob, \"container/path/to/data.csv\") and data.dataset (the name of a dataset uploaded with POST /datasets/{name}).",
                "  data.features: Required: at least one feature, each {\"name\": ..., \"type\": \"numeric\" or \"categorical\"}.",
                "  data.label: Required: the column to predict, {\"name\": ...} (and for binary, \"positive\").",
                "  trainer: Required: {\"name\": one of fasttree, lightgbm, linear, external}.",
            ],
            lines[1..]);
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
        platform.On("GET", "/specs/loan-approval?version=2", 200, Canned.SpecUnchanged);

        CliResult result = await Cli.RunAsync(platform, "specs", "get", "loan-approval", "--version", "2");

        Assert.Equal(0, result.ExitCode);
        Assert.Single(platform.RequestsTo("GET", "/specs/loan-approval?version=2"));
        Assert.Contains("\"task\": \"binary\"", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("\"dataset\": \"loan-applications\"", result.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"By\s+anonymous", result.Stdout);
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
        Assert.Matches(@"loan-approval\s*│\s*2\s*│\s*binary\s*│\s*fasttree\s*│\s*dataset:loan-applications\s*│\s*manual\s*│\s*│\s*d9b917734e9a\s*│\s*2026-11-27 10:40:12Z\s*│\s*anonymous", result.Stdout);
    }

    [Fact]
    public async Task DatasetsUpload_CsvFile_SendsItsBytesAsCsv()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("POST", "/datasets/loan-applications", 201, Canned.Dataset);
        string csv = "income,debt_ratio,approved\n40,0.5,yes\n90,0.1,no\n";

        CliResult result = await Cli.RunAsync(platform, "datasets", "upload", "loan-applications", Write("loans.csv", csv));

        Assert.Equal(0, result.ExitCode);
        RecordedRequest request = Assert.Single(platform.Requests);
        Assert.Equal(csv, request.Body);
        Assert.Equal("text/csv", request.ContentType);
        Assert.Contains("f67bbf379d18ad7aa8af096aa5515d5614dfc0ae33270fb577621bc70a628dae", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("189.8 KiB", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DatasetsShow_Dataset_PrintsItsHashAndUploader()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("GET", "/datasets/loan-applications", 200, Canned.Dataset);

        CliResult result = await Cli.RunAsync(platform, "datasets", "show", "loan-applications");

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"SHA-256\s+f67bbf379d18ad7aa8af096aa5515d5614dfc0ae33270fb577621bc70a628dae", result.Stdout);
        Assert.Matches(@"Uploaded\s+2026-11-27 10:34:10Z", result.Stdout);
        Assert.Matches(@"By\s+anonymous", result.Stdout);
    }

    [Fact]
    public async Task DatasetsList_Datasets_PrintsTable()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("GET", "/datasets", 200, Canned.Datasets);

        CliResult result = await Cli.RunAsync(platform, "datasets", "list");

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"loan-applications\s*│\s*f67bbf379d18\s*│\s*189\.8 KiB\s*│\s*2026-11-27 10:34:10Z\s*│\s*anonymous", result.Stdout);
    }

    private string Write(string name, string content)
    {
        string path = Path.Combine(_folder, name);
        File.WriteAllText(path, content);
        return path;
    }
}
