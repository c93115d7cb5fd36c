using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Amazon.Runtime.Signing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scheduler.Background;
using Scheduler.Redshift.Model;

namespace Scheduler.Redshift;

/// <summary>
/// A small AWS JSON 1.1 client for the Redshift Data API on <c>AWSSDK.Core</c>: SigV4 through
/// <see cref="AWSSigV4Signer"/> (signed at the injected <see cref="TimeProvider"/>'s time, re-signed for every attempt),
/// credentials from the SDK's default chain unless given, and the SDKs' standard retry mode.
/// </summary>
/// <remarks>
/// <para>Retried: throttling codes and HTTP 429 (1 s backoff base), HTTP 500/502/503/504, connection failures and
/// per-attempt timeouts (50 ms base); full jitter, 20 s cap, <see cref="RedshiftClientOptions.MaxAttempts"/> attempts.
/// Other errors surface at once as <see cref="RedshiftDataException"/>. Exhausted connection failures and timeouts
/// surface as <see cref="HttpRequestException"/>.</para>
/// <para>ExecuteStatement and BatchExecuteStatement without a <c>ClientToken</c> get a new UUID written into the
/// request before the first attempt (as the .NET SDK's marshaller does), so every retry of that call carries the same token.</para>
/// <para>When no credentials were given and the default chain finds none, the SDK's <see cref="AmazonClientException"/>
/// ("Failed to resolve AWS credentials") propagates unchanged: it is a configuration problem, not a service answer.</para>
/// <para>The retry loop is written out rather than a Polly pipeline: each attempt is re-signed and counted, its timeout
/// runs on the wall clock while the back-off runs on the injected clock (a pipeline has one), the base delay depends on
/// the failure (throttling or not) and the jitter is AWS's full jitter, so Polly would only replace the loop statement.</para>
/// </remarks>
internal sealed class RedshiftDataClient : IRedshiftDataClient, IDisposable
{
    internal const string ContentType = "application/x-amz-json-1.1";
    private const string TargetPrefix = "RedshiftData.";

    private readonly HttpClient _httpClient;
    private readonly RedshiftClientOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly AWSCredentials? _credentials;
    private readonly Random _random;
    private readonly RedshiftMetrics _metrics;
    private readonly Uri _endpoint;
    private readonly RegionEndpoint _signingRegion;

    /// <summary>Creates a client.</summary>
    /// <param name="httpClient">Sends the signed requests. Its own <see cref="HttpClient.Timeout"/> should be infinite or above
    /// <see cref="RedshiftClientOptions.RequestTimeout"/>; redirects must not be followed.</param>
    /// <param name="options">Endpoint, retry and timeout settings.</param>
    /// <param name="timeProvider">The signing clock and the retry delays.</param>
    /// <param name="logger">Logs retries.</param>
    /// <param name="credentials">Explicit credentials; null resolves them with <see cref="DefaultAWSCredentialsIdentityResolver"/>
    /// (environment, web identity, profiles incl. SSO and assume-role, container, instance metadata).</param>
    /// <param name="meterFactory">Creates the <c>Scheduler.Redshift</c> meter; null creates an unshared one.</param>
    /// <param name="random">The jitter source; null uses <see cref="Random.Shared"/>.</param>
    public RedshiftDataClient(
        HttpClient httpClient,
        IOptions<RedshiftClientOptions> options,
        TimeProvider timeProvider,
        ILogger<RedshiftDataClient> logger,
        AWSCredentials? credentials = null,
        IMeterFactory? meterFactory = null,
        Random? random = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);

        _httpClient = httpClient;
        _options = options.Value;
        var validation = new RedshiftClientOptionsValidator().Validate(null, _options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(RedshiftClientOptions.SectionName, typeof(RedshiftClientOptions), validation.Failures);
        }

        _timeProvider = timeProvider;
        _logger = logger;
        _credentials = credentials;
        _random = random ?? Random.Shared;
        _metrics = new RedshiftMetrics(meterFactory);
        _endpoint = RedshiftEndpoint.Resolve(_options);
        _signingRegion = RegionEndpoint.GetBySystemName(RedshiftEndpoint.SigningRegion(_options));
    }

    /// <summary>Set by <see cref="RedshiftServiceCollectionExtensions.AddRedshiftDataClient"/>, which creates the HttpClient
    /// for this client alone, so disposing the container releases its connections.</summary>
    internal bool OwnsHttpClient { get; init; }

    /// <summary>The URL requests are sent to.</summary>
    public Uri Endpoint => _endpoint;

    /// <inheritdoc />
    public Task<BatchExecuteStatementResponse> BatchExecuteStatementAsync(BatchExecuteStatementRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.ClientToken ??= Guid.NewGuid().ToString();
        return SendAsync<BatchExecuteStatementRequest, BatchExecuteStatementResponse>("BatchExecuteStatement", request, cancellationToken);
    }

    /// <inheritdoc />
    public Task<ExecuteStatementResponse> ExecuteStatementAsync(ExecuteStatementRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.ClientToken ??= Guid.NewGuid().ToString();
        return SendAsync<ExecuteStatementRequest, ExecuteStatementResponse>("ExecuteStatement", request, cancellationToken);
    }

    /// <inheritdoc />
    public Task<DescribeStatementResponse> DescribeStatementAsync(DescribeStatementRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SendAsync<DescribeStatementRequest, DescribeStatementResponse>("DescribeStatement", request, cancellationToken);
    }

    /// <inheritdoc />
    public Task<CancelStatementResponse> CancelStatementAsync(CancelStatementRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SendAsync<CancelStatementRequest, CancelStatementResponse>("CancelStatement", request, cancellationToken);
    }

    /// <inheritdoc />
    public Task<ListStatementsResponse> ListStatementsAsync(ListStatementsRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SendAsync<ListStatementsRequest, ListStatementsResponse>("ListStatements", request, cancellationToken);
    }

    /// <inheritdoc />
    public Task<GetStatementResultResponse> GetStatementResultAsync(GetStatementResultRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SendAsync<GetStatementResultRequest, GetStatementResultResponse>("GetStatementResult", request, cancellationToken);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _metrics.Dispose();
        if (OwnsHttpClient)
        {
            _httpClient.Dispose();
        }
    }

    private async Task<TResponse> SendAsync<TRequest, TResponse>(string operation, TRequest request, CancellationToken cancellationToken)
    {
        // Serialized once: every attempt sends the same bytes (and so the same ClientToken).
        var body = JsonSerializer.SerializeToUtf8Bytes(request, RedshiftJson.Options);
        var credentials = _credentials ?? await DefaultAWSCredentialsIdentityResolver.GetCredentialsAsync().ConfigureAwait(false);

        for (var attempt = 1; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            _metrics.Attempt(operation);
            Exception failure;
            string errorCode;
            bool retryable;
            var throttled = false;

            using var attemptTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            // Wall-clock on purpose: a network timeout is not part of the injected (possibly fake) schedule clock.
            attemptTimeout.CancelAfter(_options.RequestTimeout);
            try
            {
                using var message = await CreateSignedRequestAsync(operation, body, credentials, cancellationToken).ConfigureAwait(false);
                using var response = await _httpClient.SendAsync(message, HttpCompletionOption.ResponseContentRead, attemptTimeout.Token).ConfigureAwait(false);
                var payload = await response.Content.ReadAsByteArrayAsync(attemptTimeout.Token).ConfigureAwait(false);
                var requestId = HeaderValue(response, "x-amzn-RequestId");

                if (response.IsSuccessStatusCode)
                {
                    var result = Deserialize<TResponse>(operation, payload, response.StatusCode, requestId);
                    _metrics.Call(operation, "ok");
                    _logger.CallCompleted(operation, (int)response.StatusCode, attempt, requestId);
                    return result;
                }

                var (code, serviceMessage) = ParseError(response, payload);
                errorCode = code;
                throttled = RedshiftRetryPolicy.IsThrottling(response.StatusCode, code);
                retryable = throttled || RedshiftRetryPolicy.IsTransient(response.StatusCode, code);
                failure = new RedshiftDataException(code, serviceMessage, response.StatusCode, requestId, operation) { Attempt = attempt };
            }
            catch (HttpRequestException ex) when (!cancellationToken.IsCancellationRequested)
            {
                errorCode = "ConnectionError";
                retryable = true;
                failure = ex;
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                errorCode = "RequestTimeout";
                retryable = true;
                failure = new HttpRequestException(
                    $"Redshift Data API {operation} at {_endpoint} did not answer within {_options.RequestTimeout} (Redshift:RequestTimeout).",
                    new TimeoutException(ex.Message, ex));
            }

            if (throttled)
            {
                _metrics.Throttle(operation);
            }

            if (!retryable || attempt >= _options.MaxAttempts)
            {
                _metrics.Call(operation, errorCode);
                throw failure;
            }

            var delay = RedshiftRetryPolicy.Backoff(attempt, throttled, _random.NextDouble());
            _metrics.Retry(operation, errorCode);
            _logger.RetryScheduled(operation, attempt, errorCode, (long)delay.TotalMilliseconds, failure is RedshiftDataException ? null : failure);
            await Task.Delay(delay, _timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<HttpRequestMessage> CreateSignedRequestAsync(string operation, byte[] body, AWSCredentials credentials, CancellationToken cancellationToken)
    {
        var target = TargetPrefix + operation;
        var signingRequest = new AWSSigningRequest
        {
            HttpMethod = HttpMethod.Post,
            RequestUri = _endpoint,
            Content = body,
        };
        signingRequest.Headers["Content-Type"] = ContentType;
        signingRequest.Headers["X-Amz-Target"] = target;

        var signed = await AWSSigV4Signer.SignAsync(
            signingRequest,
            new AWSSigV4Parameters
            {
                Credentials = credentials,
                Region = _signingRegion,
                Service = RedshiftEndpoint.ServiceName,
                // Each attempt is signed at its own time; a fixed clock gives a reproducible signature.
                SignedAt = _timeProvider.GetUtcNow().UtcDateTime,
            },
            cancellationToken).ConfigureAwait(false);

        var content = new ByteArrayContent(body);
        // ByteArrayContent, not StringContent: no "; charset=utf-8" suffix, exactly the official wire format.
        content.Headers.ContentType = new MediaTypeHeaderValue(ContentType);
        var message = new HttpRequestMessage(HttpMethod.Post, _endpoint) { Content = content, Version = HttpVersion.Version11 };
        message.Headers.TryAddWithoutValidation("X-Amz-Target", target);
        foreach (var header in signed.Headers)
        {
            if (!message.Headers.TryAddWithoutValidation(header.Key, header.Value))
            {
                content.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        return message;
    }

    private static TResponse Deserialize<TResponse>(string operation, byte[] payload, HttpStatusCode status, string? requestId)
    {
        try
        {
            return JsonSerializer.Deserialize<TResponse>(payload.Length == 0 ? "{}"u8 : payload, RedshiftJson.Options)
                ?? throw new JsonException("The body is JSON null.");
        }
        catch (JsonException ex)
        {
            throw new RedshiftDataException("InvalidResponse", $"The {operation} response is not the expected JSON: {ex.Message} Body: {Snippet(payload)}",
                status, requestId, operation, ex);
        }
    }

    /// <summary>Error code from <c>x-amzn-ErrorType</c>, <c>__type</c> or <c>code</c>, without <c>ns#</c> and <c>:uri</c>.</summary>
    internal static (string Code, string Message) ParseError(HttpResponseMessage response, byte[] payload)
    {
        string? code = HeaderValue(response, "x-amzn-ErrorType");
        string? message = null;
        try
        {
            using var document = JsonDocument.Parse(payload);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    if (property.Value.ValueKind != JsonValueKind.String)
                    {
                        continue;
                    }

                    if (string.IsNullOrEmpty(code) && property.Name is "__type" or "code")
                    {
                        code = property.Value.GetString();
                    }
                    else if (message is null && property.Name is "message" or "Message")
                    {
                        message = property.Value.GetString();
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's HTML page, an empty 503): the status says enough.
        }

        var bareCode = BareErrorCode(code) ?? $"Http{(int)response.StatusCode}";
        return (bareCode, message ?? (payload.Length == 0 ? response.ReasonPhrase ?? "" : Snippet(payload)));
    }

    internal static string? BareErrorCode(string? code)
    {
        if (string.IsNullOrWhiteSpace(code))
        {
            return null;
        }

        var hash = code.IndexOf('#', StringComparison.Ordinal);
        if (hash >= 0)
        {
            code = code[(hash + 1)..];
        }

        var colon = code.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            code = code[..colon];
        }

        code = code.Trim();
        return code.Length == 0 ? null : code;
    }

    private static string? HeaderValue(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private static string Snippet(byte[] payload) =>
        payload.Length <= 512 ? Encoding.UTF8.GetString(payload) : Encoding.UTF8.GetString(payload, 0, 512) + "…";
}
