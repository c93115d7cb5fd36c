using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using RedshiftDataEmulator;
using Scheduler.Testing.Aws;
using Scheduler.Testing.Postgres;

namespace Scheduler.Tests.Emulator;

/// <summary>Who may talk to the emulator: keys or an explicit AllowUnsigned, loopback, /_emulator guarded, bodies bounded.</summary>
public sealed class AccessTests : IAsyncLifetime
{
    private RunningEmulator _emulator = null!;

    public async Task InitializeAsync()
    {
        var server = await PostgresServer.GetAsync();
        _emulator = await RunningEmulator.StartAsync(await server.CreateDatabaseAsync(nameof(AccessTests)), new Dictionary<string, string?>
        {
            ["Emulator:MaxRequestBytes"] = "4096",
        });
    }

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    [Fact]
    public void Build_Refuses_WhenNeitherKeysNorAllowUnsignedAreSet()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => BuildEmulator(new Dictionary<string, string?>(), "http://127.0.0.1:0"));

        Assert.Contains("Emulator:AccessKeyId", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Emulator:SecretAccessKey", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Emulator:AllowUnsigned=true", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://0.0.0.0:0")]
    [InlineData("http://+:4566")]
    [InlineData("http://127.0.0.1:0;http://[::]:0")]
    public void Build_Refuses_WhenUnsignedRequestsWouldBeAcceptedBeyondLoopback(string urls)
    {
        var ex = Assert.Throws<InvalidOperationException>(() =>
            BuildEmulator(new Dictionary<string, string?> { ["Emulator:AllowUnsigned"] = "true" }, urls));

        Assert.Contains("loopback", ex.Message, StringComparison.Ordinal);
        Assert.Contains(urls.Split(';').Last(), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_ListensOnLoopback_WhenNoUrlsAreGiven()
    {
        await using var app = BuildEmulator(new Dictionary<string, string?> { ["Emulator:AllowUnsigned"] = "true" }, urls: null);

        Assert.Equal(EmulatorApplication.DefaultUrl, app.Configuration["urls"]);
        Assert.StartsWith("http://127.0.0.1:", EmulatorApplication.DefaultUrl, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Call_Succeeds_WhenUnsigned_AndAllowUnsignedIsTrue()
    {
        var server = await PostgresServer.GetAsync();
        await using var open = await RunningEmulator.StartAsync(await server.CreateDatabaseAsync("emulator_unsigned"),
            new Dictionary<string, string?> { ["Emulator:AllowUnsigned"] = "true" });
        using var unsigned = open.CreateUnsignedClient();

        var (status, _, response) = await open.CallAsync("ListStatements", "{}", unsigned);
        response.Dispose();
        using var log = await unsigned.GetAsync(new Uri("_emulator/statements", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(HttpStatusCode.OK, log.StatusCode);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/_emulator/statements")]
    public async Task Call_IsRefused_WhenUnsignedAndTheHostIsNotLoopback(string path)
    {
        // DNS rebinding: a page's name re-resolved to 127.0.0.1 reaches the emulator with the page's own Host.
        var server = await PostgresServer.GetAsync();
        await using var open = await RunningEmulator.StartAsync(await server.CreateDatabaseAsync("emulator_rebind"),
            new Dictionary<string, string?> { ["Emulator:AllowUnsigned"] = "true" });
        using var unsigned = open.CreateUnsignedClient();
        using var request = new HttpRequestMessage(path == "/" ? HttpMethod.Post : HttpMethod.Get, new Uri(path.TrimStart('/'), UriKind.Relative));
        request.Headers.Host = "attacker.example:" + open.BaseAddress.Port.ToString(CultureInfo.InvariantCulture);
        if (path == "/")
        {
            request.Headers.Add("X-Amz-Target", "RedshiftData.ExecuteStatement");
            request.Content = new StringContent("""{"Sql":"select 1","Database":"dev","WorkgroupName":"wg"}""", Encoding.UTF8, "application/x-amz-json-1.1");
        }

        using var response = await unsigned.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("AccessDeniedException", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET", "_emulator/statements")]
    [InlineData("GET", "_emulator/faults")]
    [InlineData("GET", "_emulator/limits")]
    [InlineData("POST", "_emulator/faults")]
    [InlineData("POST", "_emulator/limits/reset")]
    public async Task Admin_IsRefused_WhenUnsigned(string method, string path)
    {
        using var unsigned = _emulator.CreateUnsignedClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        if (method == "POST")
        {
            request.Content = new StringContent("""{"errorRate":1}""", Encoding.UTF8, "application/json");
        }

        using var response = await unsigned.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("MissingAuthenticationTokenException", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // The fault was not set: a Data API call still succeeds.
        await _emulator.OkAsync("ListStatements", new { });
    }

    [Fact]
    public async Task Admin_IsRefused_WhenSignedWithAnotherSecret()
    {
        using var foreign = SigV4SigningHandler.CreateClient(_emulator.BaseAddress, RunningEmulator.AccessKeyId, "not-the-secret");

        using var response = await foreign.GetAsync(new Uri("_emulator/statements", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("InvalidSignatureException", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Admin_Answers_WhenSigned_AndHealthNeedsNoSignature()
    {
        using var unsigned = _emulator.CreateUnsignedClient();

        using var health = await unsigned.GetAsync(new Uri("_emulator/health", UriKind.Relative));
        using var log = await _emulator.HttpClient.GetAsync(new Uri("_emulator/statements", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, log.StatusCode);
    }

    [Fact]
    public async Task Call_IsRefusedBeforeItsBodyIsRead_WhenUnsigned()
    {
        // 100 MB announced, none sent: an answer proves the emulator did not wait for the body.
        var answer = await SendHeadersOnlyAsync(authorization: null);

        Assert.StartsWith("HTTP/1.1 400", answer, StringComparison.Ordinal);
        Assert.Contains("MissingAuthenticationTokenException", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Call_IsTooLargeBeforeItsBodyIsRead_WhenTheDeclaredBodyExceedsTheLimit()
    {
        var now = DateTimeOffset.UtcNow;
        var authorization = $"AWS4-HMAC-SHA256 Credential={RunningEmulator.AccessKeyId}/{now:yyyyMMdd}/us-east-1/redshift-data/aws4_request, " +
            "SignedHeaders=host;x-amz-date, Signature=0000";

        var answer = await SendHeadersOnlyAsync((authorization, now.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)));

        Assert.StartsWith("HTTP/1.1 413", answer, StringComparison.Ordinal);
        Assert.Contains("RequestEntityTooLargeException", answer, StringComparison.Ordinal);
        Assert.Contains("Emulator:MaxRequestBytes", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Call_IsTooLarge_WhenASignedBodyExceedsTheLimit()
    {
        var (status, json, response) = await _emulator.CallAsync("ExecuteStatement", new
        {
            Sql = "select '" + new string('x', 5000) + "'", Database = "dev", WorkgroupName = "wg",
        });
        response.Dispose();

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("RequestEntityTooLargeException", json.GetProperty("__type").GetString());
        Assert.Empty(await _emulator.GetStatementsAsync());
    }

    private async Task<string> SendHeadersOnlyAsync((string Authorization, string AmzDate)? authorization)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(_emulator.BaseAddress.Host, _emulator.BaseAddress.Port);
        var stream = client.GetStream();
        var headers = new StringBuilder()
            .Append("POST / HTTP/1.1\r\n")
            .Append(CultureInfo.InvariantCulture, $"Host: {_emulator.BaseAddress.Authority}\r\n")
            .Append("Content-Type: application/x-amz-json-1.1\r\n")
            .Append("X-Amz-Target: RedshiftData.ListStatements\r\n")
            .Append("Content-Length: 104857600\r\n");
        if (authorization is { } auth)
        {
            headers.Append(CultureInfo.InvariantCulture, $"Authorization: {auth.Authorization}\r\n")
                .Append(CultureInfo.InvariantCulture, $"X-Amz-Date: {auth.AmzDate}\r\n");
        }

        await stream.WriteAsync(Encoding.ASCII.GetBytes(headers.Append("\r\n").ToString()));
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var buffer = new byte[8192];
        var answer = new StringBuilder();
        while (!answer.ToString().Contains("\"message\"", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, cancel.Token);
            if (read == 0)
            {
                break;
            }

            answer.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }

        return answer.ToString();
    }

    private static WebApplication BuildEmulator(Dictionary<string, string?> settings, string? urls)
    {
        settings["ConnectionStrings:Warehouse"] = "Host=127.0.0.1;Database=unused";
        return EmulatorApplication.Build(urls is null ? [] : ["--urls", urls], builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings);
        });
    }
}
