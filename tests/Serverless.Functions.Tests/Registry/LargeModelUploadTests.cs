using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Serverless.Testing;

namespace Serverless.Functions.Tests.Registry;

/// <summary>Uploads past ASP.NET Core's 30 MB default body limit: the registry's own limit decides.</summary>
public sealed class LargeModelUploadTests(LargeModelUploadTests.LargeLimitFixture fixture) : IClassFixture<LargeModelUploadTests.LargeLimitFixture>
{
    private const int MaxModelBytes = 40 * 1024 * 1024;

    private async Task<HttpResponseMessage> UploadAsync(byte[] model)
    {
        using var content = new ByteArrayContent(model);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return await fixture.Runtime.Client.PostAsync(new Uri($"/models/big-{Guid.NewGuid():N}/versions", UriKind.Relative), content);
    }

    [Fact]
    public async Task RegisterVersion_ModelOver30MegabytesUnderTheLimit_201()
    {
        // 9 million float weights: about 36 MB, past Kestrel's 30 MB default, under the 40 MiB limit.
        byte[] model = OnnxModelBuilder.Unique(OnnxTensorModelBuilder.AddWeights(9_000_000));
        Assert.InRange(model.Length, 31_457_281, MaxModelBytes);

        using var response = await UploadAsync(model);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(model.Length, body.GetProperty("sizeBytes").GetInt64());
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(model)), body.GetProperty("sha256").GetString());
    }

    [Fact]
    public async Task RegisterVersion_ModelOverTheLimit_413WithJsonError()
    {
        using var response = await UploadAsync(OnnxTensorModelBuilder.AddWeights((MaxModelBytes / 4) + 1024));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("Registry__MaxModelBytes", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    public sealed class LargeLimitFixture : LocalRuntimeFixture
    {
        protected override IReadOnlyDictionary<string, string>? SettingOverrides { get; } =
            new Dictionary<string, string> { ["Registry__MaxModelBytes"] = MaxModelBytes.ToString(CultureInfo.InvariantCulture) };
    }
}
