using System.Net;
using System.Text;
using Amazon.Runtime;
using Amazon.Runtime.Signing;
using Scheduler.Testing.Postgres;

namespace Scheduler.Tests.Emulator;

/// <summary>Signature checking, with requests signed by the AWS SDK's own SigV4 signer as the oracle.</summary>
public sealed class SignatureTests : IAsyncLifetime
{
    private const string AccessKey = "AKIDEMULATORTEST";
    private const string SecretKey = "emulator-secret-key";
    private RunningEmulator _emulator = null!;

    public async Task InitializeAsync()
    {
        var server = await PostgresServer.GetAsync();
        _emulator = await RunningEmulator.StartAsync(await server.CreateDatabaseAsync(nameof(SignatureTests)), new Dictionary<string, string?>
        {
            ["Emulator:AccessKeyId"] = AccessKey,
            ["Emulator:SecretAccessKey"] = SecretKey,
        });
    }

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    [Fact]
    public async Task Call_Succeeds_WhenSignedWithTheConfiguredKey()
    {
        var (status, body) = await SendSignedAsync(AccessKey, SecretKey, withSessionToken: true);

        Assert.True(status == HttpStatusCode.OK, body);
    }

    [Fact]
    public async Task Call_IsInvalidSignature_WhenSecretIsWrong()
    {
        var (status, body) = await SendSignedAsync(AccessKey, "wrong-secret", withSessionToken: false);

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("\"InvalidSignatureException\"", body);
    }

    [Fact]
    public async Task Call_IsUnrecognizedClient_WhenAccessKeyIsUnknown()
    {
        var (status, body) = await SendSignedAsync("AKIDUNKNOWN", SecretKey, withSessionToken: false);

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("\"UnrecognizedClientException\"", body);
    }

    [Fact]
    public async Task Call_IsInvalidSignature_WhenBodyChangedAfterSigning()
    {
        var (status, body) = await SendSignedAsync(AccessKey, SecretKey, withSessionToken: false, tamper: true);

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("\"InvalidSignatureException\"", body);
    }

    [Fact]
    public async Task Call_IsRejected_WhenUnsigned()
    {
        using var unsigned = _emulator.CreateUnsignedClient();
        var (status, json, response) = await _emulator.CallAsync("ListStatements", "{}", unsigned);
        response.Dispose();

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("MissingAuthenticationTokenException", json.GetProperty("__type").GetString());
    }

    private async Task<(HttpStatusCode Status, string Body)> SendSignedAsync(string accessKey, string secretKey, bool withSessionToken, bool tamper = false)
    {
        var body = Encoding.UTF8.GetBytes("""{"Status":"ALL","MaxResults":5}""");
        var signing = new AWSSigningRequest
        {
            HttpMethod = HttpMethod.Post,
            RequestUri = _emulator.BaseAddress,
            Content = body,
        };
        signing.Headers["Content-Type"] = "application/x-amz-json-1.1";
        signing.Headers["X-Amz-Target"] = "RedshiftData.ListStatements";
        AWSCredentials credentials = withSessionToken
            ? new SessionAWSCredentials(accessKey, secretKey, "session-token")
            : new BasicAWSCredentials(accessKey, secretKey);
        var signed = await AWSSigV4Signer.SignAsync(signing, new AWSSigV4Parameters
        {
            Credentials = credentials,
            Region = Amazon.RegionEndpoint.USEast1,
            Service = "redshift-data",
        });

        using var request = new HttpRequestMessage(HttpMethod.Post, _emulator.BaseAddress);
        request.Content = new ByteArrayContent(tamper ? Encoding.UTF8.GetBytes("""{"Status":"ALL","MaxResults":6}""") : body);
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/x-amz-json-1.1");
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "RedshiftData.ListStatements");
        foreach (var header in signed.Headers)
        {
            request.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        using var unsigned = _emulator.CreateUnsignedClient();
        using var response = await unsigned.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
