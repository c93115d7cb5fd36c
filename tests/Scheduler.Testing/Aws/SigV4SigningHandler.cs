using Amazon.Runtime;
using Amazon.Runtime.Signing;

namespace Scheduler.Testing.Aws;

/// <summary>
/// Signs every request with AWS Signature Version 4 (the AWS SDK's own signer), as the emulator demands of the Data API
/// and of <c>/_emulator/*</c> when it has keys. For raw test calls: the scheduler's client signs by itself.
/// </summary>
public sealed class SigV4SigningHandler : DelegatingHandler
{
    private readonly AWSCredentials _credentials;

    public SigV4SigningHandler(AWSCredentials credentials, HttpMessageHandler? innerHandler = null)
        : base(innerHandler ?? new SocketsHttpHandler())
    {
        ArgumentNullException.ThrowIfNull(credentials);
        _credentials = credentials;
    }

    /// <summary>An HttpClient at <paramref name="baseAddress"/> whose requests are signed with the given key pair.</summary>
    public static HttpClient CreateClient(Uri baseAddress, string accessKeyId, string secretAccessKey, TimeSpan? timeout = null) =>
        new(new SigV4SigningHandler(new BasicAWSCredentials(accessKeyId, secretAccessKey)))
        {
            BaseAddress = baseAddress,
            Timeout = timeout ?? TimeSpan.FromSeconds(100),
        };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var signing = new AWSSigningRequest { HttpMethod = request.Method, RequestUri = request.RequestUri!, Content = body };
        if (request.Content?.Headers.ContentType is { } contentType)
        {
            signing.Headers["Content-Type"] = contentType.ToString();
        }

        if (request.Headers.TryGetValues("X-Amz-Target", out var target))
        {
            signing.Headers["X-Amz-Target"] = string.Join(',', target);
        }

        var signed = await AWSSigV4Signer.SignAsync(signing, new AWSSigV4Parameters
        {
            Credentials = _credentials,
            Region = Amazon.RegionEndpoint.USEast1,
            Service = "redshift-data",
        }, cancellationToken).ConfigureAwait(false);

        foreach (var (name, value) in signed.Headers)
        {
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase) || name.Equals("X-Amz-Target", StringComparison.OrdinalIgnoreCase)
                || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) || name.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            request.Headers.Remove(name);
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
