using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Serverless.Testing;

namespace Serverless.Functions.Tests.Serving;

/// <summary>
/// Every model of ONNX's conformance set in <c>../shared/onnx-conformance</c>: registered through the API, run through
/// <c>/infer</c> over HTTP, its outputs compared with the reference outputs and every response checked against the
/// Open Inference Protocol's OpenAPI schema.
/// </summary>
public sealed class ConformanceTests(LocalRuntimeFixture fixture) : IClassFixture<LocalRuntimeFixture>
{
    private const string Folder = "onnx-conformance";

    // Infinities and NaN travel as the strings "Infinity", "-Infinity" and "NaN", as the service writes them.
    private static readonly JsonSerializerOptions RequestJson = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public static TheoryData<string> Cases()
    {
        var cases = new TheoryData<string>();
        string root = Path.Combine(RepositoryPaths.Shared ?? string.Empty, Folder);
        if (Directory.Exists(root))
        {
            foreach (string directory in Directory.GetDirectories(root).Order(StringComparer.Ordinal))
            {
                cases.Add(Path.GetFileName(directory));
            }
        }
        else
        {
            cases.Add("(absent)"); // the theory is skipped then; xUnit still needs a row
        }

        return cases;
    }

    [SharedDataTheory(Folder)]
    [MemberData(nameof(Cases))]
    public async Task Infer_ConformanceModel_OutputsEqualTheReferenceAndMatchTheSchema(string test)
    {
        string directory = Path.Combine(RepositoryPaths.Shared!, Folder, test);
        string name = await fixture.Runtime.Client.RegisterNewAsync("conf", await File.ReadAllBytesAsync(Path.Combine(directory, "model.onnx")), production: false);
        var metadata = await fixture.Runtime.Client.GetFromJsonAsync<JsonElement>(new Uri($"/v2/models/{name}/versions/1", UriKind.Relative));
        var inputNames = metadata.GetProperty("inputs").EnumerateArray().Select(i => i.GetProperty("name").GetString()!).ToList();
        var outputNames = metadata.GetProperty("outputs").EnumerateArray().Select(i => i.GetProperty("name").GetString()!).ToList();
        string data = Path.Combine(directory, "test_data_set_0");
        var inputs = Files(data, "input").Select(TensorProtoReader.Read).ToList();
        var expected = Files(data, "output").Select(TensorProtoReader.Read).ToList();

        var request = new
        {
            id = test,
            inputs = inputs.Select((t, i) => new
            {
                name = string.IsNullOrEmpty(t.Name) ? inputNames[i] : t.Name,
                shape = t.Shape,
                datatype = t.Datatype,
                data = t.Values,
            }),
        };
        using var response = await fixture.Runtime.Client.PostAsync(
            new Uri($"/v2/models/{name}/versions/1/infer", UriKind.Relative),
            new StringContent(JsonSerializer.Serialize(request, RequestJson), Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
        if (OpenInferenceSchema.DocumentPath is not null)
        {
            Assert.Empty(OpenInferenceSchema.Validate(body, "inference_response"));
        }

        Assert.Equal(test, body.GetProperty("id").GetString());
        var outputs = body.GetProperty("outputs").EnumerateArray().ToDictionary(o => o.GetProperty("name").GetString()!);
        for (int i = 0; i < expected.Count; i++)
        {
            var reference = expected[i];
            var actual = outputs[string.IsNullOrEmpty(reference.Name) ? outputNames[i] : reference.Name];
            Assert.Equal(reference.Datatype, actual.GetProperty("datatype").GetString());
            Assert.Equal(reference.Shape, actual.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
            var values = actual.GetProperty("data").EnumerateArray().ToList();
            Assert.Equal(reference.Values.Count, values.Count);
            for (int v = 0; v < values.Count; v++)
            {
                AssertClose(reference.Values[v], values[v], $"{test} output {i} value {v}");
            }
        }
    }

    [SharedDataTheory("specs")]
    [InlineData("{\"outputs\": []}")]
    [InlineData("{\"model_name\": \"m\", \"outputs\": [{\"name\": \"y\", \"shape\": [1], \"datatype\": \"FP32\", \"data\": [{\"a\": 1}]}]}")]
    [InlineData("{\"model_name\": \"m\", \"outputs\": [{\"name\": \"y\", \"shape\": [1], \"datatype\": \"FP32\"}]}")]
    public void Validate_ResponseBreakingTheSchema_ReportsErrors(string body)
    {
        Assert.NotEmpty(OpenInferenceSchema.Validate(JsonDocument.Parse(body).RootElement, "inference_response"));
    }

    private static IEnumerable<string> Files(string directory, string prefix) =>
        Directory.GetFiles(directory, prefix + "_*.pb")
            .OrderBy(f => int.Parse(Path.GetFileNameWithoutExtension(f)[(prefix.Length + 1)..], CultureInfo.InvariantCulture));

    // Integers and booleans exactly; floats within a relative 1e-5 (ONNX's own backend tests allow 1e-3 absolute).
    private static void AssertClose(object expected, JsonElement actual, string where)
    {
        switch (expected)
        {
            case bool b:
                Assert.True(b == actual.GetBoolean(), where);
                break;
            case long l:
                Assert.True(l == actual.GetInt64(), where);
                break;
            case ulong u:
                Assert.True(u == actual.GetUInt64(), where);
                break;
            case double d:
                double value = actual.ValueKind == JsonValueKind.String ? double.Parse(actual.GetString()!, CultureInfo.InvariantCulture) : actual.GetDouble();
                Assert.True(
                    d.Equals(value) || Math.Abs(d - value) <= 1e-5 * Math.Max(1, Math.Abs(d)),
                    $"{where}: expected {d.ToString(CultureInfo.InvariantCulture)}, got {value.ToString(CultureInfo.InvariantCulture)}");
                break;
            default:
                Assert.Equal(expected.ToString(), actual.GetString());
                break;
        }
    }
}
