using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using Amazon.Runtime;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Scheduler.Redshift;
using Scheduler.Redshift.Model;

namespace Scheduler.Tests.Redshift;

[Trait("Category", "Fast")]
public sealed class RedshiftDataClientTests : IDisposable
{
    private const string AccessKey = "AKIDEXAMPLE";
    private const string SecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private static readonly DateTimeOffset Start = new(2026, 11, 30, 19, 2, 37, TimeSpan.Zero);

    private readonly ScriptedDataApiServer _server = new();
    private readonly StepClock _clock = new(Start);

    public void Dispose() => _server.Dispose();

    private RedshiftDataClient CreateSut(double jitter = 0.5, int maxAttempts = 3, AWSCredentials? credentials = null, string? region = "eu-west-1", IMeterFactory? meterFactory = null) =>
        new(
            new HttpClient(),
            Options.Create(new RedshiftClientOptions { ServiceUrl = _server.Url.ToString(), Region = region, MaxAttempts = maxAttempts }),
            _clock,
            NullLogger<RedshiftDataClient>.Instance,
            credentials ?? new BasicAWSCredentials(AccessKey, SecretKey),
            meterFactory,
            new FixedRandom(jitter));

    private static string Ok(string json = "{}") => json;

    [Fact]
    public async Task BatchExecuteStatementAsync_SendsJson11WithTargetAndExactMemberNames()
    {
        _server.Respond(200, """{"Id":"d9b6c0c9-0747-4bf4-b142-e8883122f766","CreatedAt":1785585600.123,"Database":"dev","WorkgroupName":"etl"}""");
        using var sut = CreateSut();

        var response = await sut.BatchExecuteStatementAsync(new BatchExecuteStatementRequest
        {
            WorkgroupName = "etl",
            Database = "dev",
            Sqls = ["delete from t where d = :d", "insert into t select 1"],
            Parameters = [new SqlParameter { Name = "d", Value = "2026-08-01" }],
            StatementName = "run-42",
            ClientToken = "run-42-token",
            ExecutionMode = "TRANSACTION",
            SessionKeepAliveSeconds = 60,
            WaitTimeSeconds = 5,
        });

        var request = Assert.Single(_server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/", request.Path);
        Assert.Equal("application/x-amz-json-1.1", request.Headers["Content-Type"]);
        Assert.Equal("RedshiftData.BatchExecuteStatement", request.Headers["X-Amz-Target"]);
        Assert.Equal(
            """{"Sqls":["delete from t where d = :d","insert into t select 1"],"ClientToken":"run-42-token","StatementName":"run-42","ExecutionMode":"TRANSACTION","Parameters":[{"name":"d","value":"2026-08-01"}],"WaitTimeSeconds":5,"WorkgroupName":"etl","Database":"dev","SessionKeepAliveSeconds":60}""",
            request.BodyText);
        Assert.Equal("d9b6c0c9-0747-4bf4-b142-e8883122f766", response.Id);
        Assert.Equal(new DateTimeOffset(2026, 8, 1, 12, 0, 0, 123, TimeSpan.Zero), response.CreatedAt);
    }

    [Fact]
    public async Task ExecuteStatementAsync_SendsClusterDbUserAndSecretTargets()
    {
        _server.Respond(200, """{"Id":"a"}""").Respond(200, """{"Id":"b"}""");
        using var sut = CreateSut();

        await sut.ExecuteStatementAsync(new ExecuteStatementRequest { ClusterIdentifier = "c1", Database = "dev", DbUser = "etl", Sql = "select 1" });
        await sut.ExecuteStatementAsync(new ExecuteStatementRequest { SessionId = "5a0e9e5a-3b7e-4a8e-8a31-5f9d0e8c1d11", SecretArn = "arn:aws:secretsmanager:eu-west-1:1:secret:rs", Sql = "select 2" });

        using var first = JsonDocument.Parse(_server.Requests[0].Body);
        Assert.Equal("c1", first.RootElement.GetProperty("ClusterIdentifier").GetString());
        Assert.Equal("etl", first.RootElement.GetProperty("DbUser").GetString());
        Assert.False(first.RootElement.TryGetProperty("WorkgroupName", out _));
        using var second = JsonDocument.Parse(_server.Requests[1].Body);
        Assert.Equal("5a0e9e5a-3b7e-4a8e-8a31-5f9d0e8c1d11", second.RootElement.GetProperty("SessionId").GetString());
        Assert.Equal("arn:aws:secretsmanager:eu-west-1:1:secret:rs", second.RootElement.GetProperty("SecretArn").GetString());
        Assert.Equal("RedshiftData.ExecuteStatement", _server.Requests[1].Headers["X-Amz-Target"]);
    }

    [Fact]
    public async Task DescribeStatementAsync_ParsesEpochSecondsNanosecondsAndUnknowns_WhenBodyHasErrorString()
    {
        _server.Respond(200, """
            {"Id":"s1","Status":"FAILED","Error":"ERROR: relation \"x\" does not exist","CreatedAt":1731499397.123,"UpdatedAt":1731499399,
             "Duration":1095981511,"ResultRows":-1,"ResultSize":-1,"RedshiftQueryId":-1,"HasResultSet":false,"SomeFutureMember":{"a":1},
             "SubStatements":[{"Id":"s1:1","Status":"FINISHED","Duration":-1,"ResultRows":3,"CreatedAt":1731499397.2},
                              {"Id":"s1:2","Status":"FAILED","Error":"boom","Duration":500,"ResultRows":-1}]}
            """);
        using var sut = CreateSut();

        var response = await sut.DescribeStatementAsync(new DescribeStatementRequest { Id = "s1", WaitTimeSeconds = 20 });

        Assert.Equal("""{"Id":"s1","WaitTimeSeconds":20}""", Assert.Single(_server.Requests).BodyText);
        Assert.Equal(StatusString.Failed, response.Status);
        Assert.Equal("ERROR: relation \"x\" does not exist", response.Error);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1731499397123), response.CreatedAt);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1731499399), response.UpdatedAt);
        Assert.Equal(TimeSpan.FromTicks(10959815), response.Duration);
        Assert.Null(response.ResultRows);
        Assert.Null(response.ResultSize);
        Assert.Null(response.RedshiftQueryId);
        Assert.Equal(2, response.SubStatements!.Count);
        Assert.Null(response.SubStatements[0].Duration);
        Assert.Equal(3, response.SubStatements[0].ResultRows);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1731499397200), response.SubStatements[0].CreatedAt);
        Assert.Equal("boom", response.SubStatements[1].Error);
        Assert.Equal(TimeSpan.FromTicks(5), response.SubStatements[1].Duration);
    }

    [Fact]
    public async Task GetStatementResultAsync_ReadsFieldUnionsAndPages()
    {
        _server
            .Respond(200, """{"Records":[[{"longValue":1},{"stringValue":"12.50"},{"isNull":true}]],"ColumnMetadata":[{"name":"id","typeName":"int4","nullable":0}],"TotalNumRows":2,"NextToken":"p2"}""")
            .Respond(200, """{"Records":[[{"booleanValue":true},{"doubleValue":1e300},{"blobValue":"AQID"}]],"TotalNumRows":2}""");
        using var sut = CreateSut();

        var page1 = await sut.GetStatementResultAsync(new GetStatementResultRequest { Id = "s1:3" });
        var page2 = await sut.GetStatementResultAsync(new GetStatementResultRequest { Id = "s1:3", NextToken = page1.NextToken });

        Assert.Equal(1, page1.Records[0][0].LongValue);
        Assert.Equal("12.50", page1.Records[0][1].StringValue);
        Assert.True(page1.Records[0][2].IsNull);
        Assert.Equal("int4", page1.ColumnMetadata![0].TypeName);
        Assert.Equal("""{"Id":"s1:3","NextToken":"p2"}""", _server.Requests[1].BodyText);
        Assert.Null(page2.NextToken);
        Assert.True(page2.Records[0][0].BooleanValue);
        Assert.Equal(1e300, page2.Records[0][1].DoubleValue);
        Assert.Equal(new byte[] { 1, 2, 3 }, page2.Records[0][2].BlobValue);
    }

    [Fact]
    public async Task ListAndCancel_SendTheirTargetsAndParseResponses()
    {
        _server
            .Respond(200, """{"Statements":[{"Id":"s1","StatementName":"run-1","Status":"STARTED","IsBatchStatement":true,"QueryStrings":["a","b"],"CreatedAt":1.5}],"NextToken":"n"}""")
            .Respond(200, """{"Status":true}""");
        using var sut = CreateSut();

        var list = await sut.ListStatementsAsync(new ListStatementsRequest { StatementName = "run-", Status = StatusString.All, MaxResults = 100, RoleLevel = true });
        var cancel = await sut.CancelStatementAsync(new CancelStatementRequest { Id = "s1" });

        Assert.Equal("RedshiftData.ListStatements", _server.Requests[0].Headers["X-Amz-Target"]);
        Assert.Equal("""{"MaxResults":100,"StatementName":"run-","Status":"ALL","RoleLevel":true}""", _server.Requests[0].BodyText);
        Assert.Equal("s1", Assert.Single(list.Statements).Id);
        Assert.Equal(DateTimeOffset.UnixEpoch.AddMilliseconds(1500), list.Statements[0].CreatedAt);
        Assert.Equal("n", list.NextToken);
        Assert.Equal("RedshiftData.CancelStatement", _server.Requests[1].Headers["X-Amz-Target"]);
        Assert.True(cancel.Status);
    }

    [Fact]
    public async Task SendAsync_SignsWithSigV4_RecomputedIndependentlyForFixedClock()
    {
        _server.Respond(200, """{"Id":"s1"}""");
        using var sut = CreateSut();

        await sut.DescribeStatementAsync(new DescribeStatementRequest { Id = "s1" });

        var request = Assert.Single(_server.Requests);
        Assert.Equal("20261130T190237Z", request.Headers["X-Amz-Date"]);
        var (expected, actual, scope) = SigV4Verifier.Recompute(request, SecretKey);
        Assert.Equal("20261130/eu-west-1/redshift-data/aws4_request", scope);
        Assert.StartsWith($"AWS4-HMAC-SHA256 Credential={AccessKey}/", request.Headers["Authorization"], StringComparison.Ordinal);
        Assert.Contains("content-type;host;", request.Headers["Authorization"], StringComparison.Ordinal);
        Assert.Contains("x-amz-target", request.Headers["Authorization"], StringComparison.Ordinal);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task SendAsync_SignsSessionToken_WhenCredentialsAreTemporary()
    {
        _server.Respond(200, """{"Id":"s1"}""");
        using var sut = CreateSut(credentials: new SessionAWSCredentials(AccessKey, SecretKey, "session-token"), region: null);

        await sut.DescribeStatementAsync(new DescribeStatementRequest { Id = "s1" });

        var request = Assert.Single(_server.Requests);
        Assert.Equal("session-token", request.Headers["X-Amz-Security-Token"]);
        var (expected, actual, scope) = SigV4Verifier.Recompute(request, SecretKey);
        Assert.Equal("20261130/us-east-1/redshift-data/aws4_request", scope);
        Assert.Contains("x-amz-security-token", request.Headers["Authorization"], StringComparison.Ordinal);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task SendAsync_RetriesThrottleThen500_ResigningEachAttempt()
    {
        _server
            .RespondError(400, "ThrottlingException", "Rate exceeded")
            .RespondError(500, "InternalServerException")
            .Respond(200, """{"Id":"s1","Status":"STARTED"}""");
        using var sut = CreateSut(jitter: 0.9995);

        var response = await sut.DescribeStatementAsync(new DescribeStatementRequest { Id = "s1" });

        Assert.Equal("STARTED", response.Status);
        Assert.Equal(3, _server.Requests.Count);
        // ≈1 s after the throttle (1 s base), ≈100 ms after the 500 (50 ms base, second retry); Task.Delay truncates to ms.
        Assert.Equal([TimeSpan.FromMilliseconds(999), TimeSpan.FromMilliseconds(99)], _clock.Delays);
        Assert.Equal(["20261130T190237Z", "20261130T190237Z", "20261130T190238Z"], _server.Requests.Select(r => r.Headers["X-Amz-Date"]));
        Assert.NotEqual(_server.Requests[0].Headers["Authorization"], _server.Requests[2].Headers["Authorization"]);
        foreach (var request in _server.Requests)
        {
            var (expected, actual, _) = SigV4Verifier.Recompute(request, SecretKey);
            Assert.Equal(expected, actual);
        }
    }

    [Theory]
    // Throttling: 1 s base, doubling, capped at 20 s.
    [InlineData(400, "ThrottlingException", 8, new double[] { 1000, 2000, 4000, 8000, 16000, 20000, 20000 })]
    [InlineData(429, "TooManyRequestsException", 3, new double[] { 1000, 2000 })]
    [InlineData(400, "RequestLimitExceeded", 3, new double[] { 1000, 2000 })]
    // Transient server errors: 50 ms base.
    [InlineData(500, "InternalServerException", 3, new double[] { 50, 100 })]
    [InlineData(500, "BatchExecuteStatementException", 3, new double[] { 50, 100 })]
    [InlineData(503, "ServiceUnavailable", 4, new double[] { 50, 100, 200 })]
    [InlineData(502, "BadGateway", 3, new double[] { 50, 100 })]
    [InlineData(504, "GatewayTimeout", 3, new double[] { 50, 100 })]
    public async Task SendAsync_BacksOffWithinBounds_WhenRetriesExhaust(int status, string code, int maxAttempts, double[] upperBoundsMs)
    {
        for (var i = 0; i < maxAttempts; i++)
        {
            _server.RespondError(status, code);
        }

        using var sut = CreateSut(jitter: 0.999999, maxAttempts: maxAttempts);

        var ex = await Assert.ThrowsAsync<RedshiftDataException>(() => sut.DescribeStatementAsync(new DescribeStatementRequest { Id = "s1" }));

        Assert.Equal(code, ex.ErrorCode);
        Assert.Equal((HttpStatusCode)status, ex.StatusCode);
        Assert.Equal(maxAttempts, _server.Requests.Count);
        Assert.Equal(upperBoundsMs.Length, _clock.Delays.Count);
        for (var i = 0; i < upperBoundsMs.Length; i++)
        {
            // Task.Delay truncates to whole milliseconds.
            Assert.InRange(_clock.Delays[i].TotalMilliseconds, (upperBoundsMs[i] * 0.999) - 1, upperBoundsMs[i]);
        }
    }

    [Fact]
    public async Task SendAsync_UsesFullJitter_WhenRandomIsZero()
    {
        _server.RespondError(400, "ThrottlingException").Respond(200, """{"Id":"s1"}""");
        using var sut = CreateSut(jitter: 0);

        await sut.DescribeStatementAsync(new DescribeStatementRequest { Id = "s1" });

        Assert.Equal(2, _server.Requests.Count);
        Assert.Empty(_clock.Delays);  // a zero delay completes without a timer
    }

    [Theory]
    [InlineData(400, "ValidationException")]
    [InlineData(404, "ResourceNotFoundException")]
    [InlineData(400, "ActiveStatementsExceededException")]
    [InlineData(400, "ActiveWaitingRequestsExceededException")]
    [InlineData(403, "AccessDeniedException")]
    [InlineData(403, "InvalidSignatureException")]
    public async Task SendAsync_ThrowsTypedErrorAfterOneAttempt_WhenErrorIsNotRetryable(int status, string code)
    {
        _server.RespondError(status, code, "Id s1 is not valid");
        using var sut = CreateSut();

        var ex = await Assert.ThrowsAsync<RedshiftDataException>(() => sut.CancelStatementAsync(new CancelStatementRequest { Id = "s1" }));

        Assert.Single(_server.Requests);
        Assert.Empty(_clock.Delays);
        Assert.Equal(code, ex.ErrorCode);
        Assert.Equal("Id s1 is not valid", ex.ServiceMessage);
        Assert.Equal((HttpStatusCode)status, ex.StatusCode);
        Assert.Equal("req-" + code, ex.RequestId);
        Assert.Equal("CancelStatement", ex.Operation);
        Assert.Contains(code, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"__type":"com.amazonaws.redshiftdata#ValidationException","Message":"m"}""", null, "ValidationException")]
    [InlineData("""{"__type":"ValidationException:http://internal.amazon.com/coral/com.amazon.redshiftdata/","message":"m"}""", null, "ValidationException")]
    [InlineData("""{"code":"ResourceNotFoundException","message":"m"}""", null, "ResourceNotFoundException")]
    [InlineData("""{"message":"m"}""", "aws.protocoltests#ValidationException:http://internal.amazon.com/", "ValidationException")]
    [InlineData("""{"__type":"ResourceNotFoundException","message":"m"}""", "ValidationException", "ValidationException")]
    [InlineData("<html>bad request</html>", null, "Http400")]
    public async Task SendAsync_ReadsBareErrorCode_FromTypeOrHeader(string body, string? header, string expected)
    {
        if (header is null)
        {
            _server.Respond(400, body);
        }
        else
        {
            _server.Respond(400, body, ("x-amzn-ErrorType", header));
        }

        using var sut = CreateSut();

        var ex = await Assert.ThrowsAsync<RedshiftDataException>(() => sut.DescribeStatementAsync(new DescribeStatementRequest { Id = "s1" }));

        Assert.Equal(expected, ex.ErrorCode);
        Assert.False(string.IsNullOrEmpty(ex.ServiceMessage));
    }

    [Fact]
    public async Task SendAsync_RetriesThrottle_WhenOnlyHeaderCarriesTheCode()
    {
        _server.Respond(400, "", ("x-amzn-ErrorType", "ThrottlingException:http://internal.amazon.com/coral/")).Respond(200, """{"Id":"s1"}""");
        using var sut = CreateSut();

        await sut.DescribeStatementAsync(new DescribeStatementRequest { Id = "s1" });

        Assert.Equal(2, _server.Requests.Count);
        Assert.Equal([TimeSpan.FromMilliseconds(500)], _clock.Delays);
    }

    [Fact]
    public async Task BatchExecuteStatementAsync_ReusesGeneratedClientTokenAcrossRetries_AndNewCallsGetNewTokens()
    {
        _server
            .RespondError(500, "BatchExecuteStatementException")
            .RespondError(503, "ServiceUnavailable")
            .Respond(200, """{"Id":"s1"}""")
            .Respond(200, """{"Id":"s2"}""");
        using var sut = CreateSut();

        var first = new BatchExecuteStatementRequest { WorkgroupName = "wg", Database = "dev", Sqls = ["select 1"] };
        await sut.BatchExecuteStatementAsync(first);
        await sut.BatchExecuteStatementAsync(new BatchExecuteStatementRequest { WorkgroupName = "wg", Database = "dev", Sqls = ["select 1"] });

        var tokens = _server.Requests.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("ClientToken").GetString()).ToList();
        Assert.True(Guid.TryParse(tokens[0], out _));
        Assert.Equal(first.ClientToken, tokens[0]);
        Assert.Equal([tokens[0], tokens[0], tokens[0]], tokens.Take(3));
        Assert.NotEqual(tokens[0], tokens[3]);
        Assert.Equal(_server.Requests[0].BodyText, _server.Requests[2].BodyText);
    }

    [Fact]
    public async Task ExecuteStatementAsync_KeepsCallersClientToken()
    {
        _server.RespondError(400, "ThrottlingException").Respond(200, """{"Id":"s1"}""");
        using var sut = CreateSut();

        await sut.ExecuteStatementAsync(new ExecuteStatementRequest { WorkgroupName = "wg", Sql = "select 1", ClientToken = "run-7-attempt-1" });

        Assert.All(_server.Requests, r => Assert.Contains("\"ClientToken\":\"run-7-attempt-1\"", r.BodyText, StringComparison.Ordinal));
    }

    [Fact]
    public async Task SendAsync_RetriesConnectionFailures_ThenThrowsHttpRequestException()
    {
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        using var sut = new RedshiftDataClient(
            new HttpClient(),
            Options.Create(new RedshiftClientOptions { ServiceUrl = $"http://127.0.0.1:{port}" }),
            _clock,
            NullLogger<RedshiftDataClient>.Instance,
            new BasicAWSCredentials(AccessKey, SecretKey),
            random: new FixedRandom(0.999999));

        await Assert.ThrowsAsync<HttpRequestException>(() => sut.DescribeStatementAsync(new DescribeStatementRequest { Id = "s1" }));

        Assert.Equal(2, _clock.Delays.Count);
        Assert.InRange(_clock.Delays[0].TotalMilliseconds, 49, 50);
        Assert.InRange(_clock.Delays[1].TotalMilliseconds, 99, 100);
    }

    [Fact]
    public async Task SendAsync_StopsRetrying_WhenCallerCancelsDuringBackoff()
    {
        _server.RespondError(400, "ThrottlingException");
        using var cts = new CancellationTokenSource();
        var clock = new CancellingClock(Start, cts);
        using var sut = new RedshiftDataClient(
            new HttpClient(),
            Options.Create(new RedshiftClientOptions { ServiceUrl = _server.Url.ToString() }),
            clock,
            NullLogger<RedshiftDataClient>.Instance,
            new BasicAWSCredentials(AccessKey, SecretKey),
            random: new FixedRandom(0.5));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sut.DescribeStatementAsync(new DescribeStatementRequest { Id = "s1" }, cts.Token));

        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task SendAsync_CountsCallsRetriesAndThrottles_OnSchedulerRedshiftMeter()
    {
        _server.RespondError(400, "ThrottlingException").RespondError(500, "InternalServerException").Respond(200, """{"Id":"s1"}""");
        using var meterFactory = new TestMeterFactory();
        var measurements = new List<(string Instrument, long Value, string? Operation)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Scheduler.Redshift" && meterFactory.Created.Contains(instrument.Meter))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? operation = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "operation")
                {
                    operation = tag.Value as string;
                }
            }

            lock (measurements)
            {
                measurements.Add((instrument.Name, value, operation));
            }
        });
        listener.Start();
        using var sut = CreateSut(meterFactory: meterFactory);

        await sut.DescribeStatementAsync(new DescribeStatementRequest { Id = "s1" });

        Assert.Equal(1, measurements.Count(m => m is ("scheduler.redshift.calls", 1, "DescribeStatement")));
        Assert.Equal(3, measurements.Count(m => m is ("scheduler.redshift.attempts", 1, "DescribeStatement")));
        Assert.Equal(2, measurements.Count(m => m is ("scheduler.redshift.retries", 1, "DescribeStatement")));
        Assert.Equal(1, measurements.Count(m => m is ("scheduler.redshift.throttles", 1, "DescribeStatement")));
    }

    [Fact]
    public async Task SendAsync_RetriesAttemptThatTimesOut_WithSameBody()
    {
        // The first answer never comes in time; the second must arrive within the timeout even on a loaded machine.
        _server.RespondSlowly(TimeSpan.FromSeconds(20), 200, """{"Id":"late"}""").Respond(200, """{"Id":"s1"}""");
        using var sut = new RedshiftDataClient(
            new HttpClient { Timeout = TimeSpan.FromSeconds(3) },
            Options.Create(new RedshiftClientOptions { ServiceUrl = _server.Url.ToString() }),
            _clock,
            NullLogger<RedshiftDataClient>.Instance,
            new BasicAWSCredentials(AccessKey, SecretKey),
            random: new FixedRandom(0.5));

        var response = await sut.ExecuteStatementAsync(new ExecuteStatementRequest { WorkgroupName = "wg", Sql = "select 1" });

        Assert.Equal("s1", response.Id);
        Assert.Equal(2, _server.Requests.Count);
        Assert.Equal(_server.Requests[0].BodyText, _server.Requests[1].BodyText);
        Assert.Equal([TimeSpan.FromMilliseconds(25)], _clock.Delays);
    }

    [Fact]
    public async Task SendAsync_ThrowsInvalidResponse_WhenSuccessBodyIsNotJson()
    {
        _server.Respond(200, "<html>captive portal</html>", ("x-amzn-RequestId", "r1"));
        using var sut = CreateSut();

        var ex = await Assert.ThrowsAsync<RedshiftDataException>(() => sut.DescribeStatementAsync(new DescribeStatementRequest { Id = "s1" }));

        Assert.Equal("InvalidResponse", ex.ErrorCode);
        Assert.Equal("r1", ex.RequestId);
        Assert.Contains("captive portal", ex.Message, StringComparison.Ordinal);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task SendAsync_LogsEachRetry_WithOperationAttemptCodeAndDelay()
    {
        _server.RespondError(400, "ThrottlingException").Respond(200, """{"Id":"s1"}""");
        var logger = new CollectingLogger();
        using var sut = new RedshiftDataClient(
            new HttpClient(),
            Options.Create(new RedshiftClientOptions { ServiceUrl = _server.Url.ToString() }),
            _clock,
            logger,
            new BasicAWSCredentials(AccessKey, SecretKey),
            random: new FixedRandom(0.5));

        await sut.DescribeStatementAsync(new DescribeStatementRequest { Id = "s1" });

        var retry = Assert.Single(logger.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning);
        Assert.Equal("Redshift Data API DescribeStatement attempt 1 failed with ThrottlingException; retrying in 500 ms", retry.Message);
    }

    [Fact]
    public void Constructor_Throws_WhenOptionsAreInvalid()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => new RedshiftDataClient(
            new HttpClient(),
            Options.Create(new RedshiftClientOptions()),
            _clock,
            NullLogger<RedshiftDataClient>.Instance));

        Assert.Contains("Redshift:Region", ex.Message, StringComparison.Ordinal);
    }

    private sealed class CollectingLogger : Microsoft.Extensions.Logging.ILogger<RedshiftDataClient>
    {
        public List<(Microsoft.Extensions.Logging.LogLevel Level, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Entries)
            {
                Entries.Add((logLevel, formatter(state, exception)));
            }
        }
    }

    private sealed class FixedRandom(double value) : Random
    {
        public override double NextDouble() => value;

        protected override double Sample() => value;
    }

    /// <summary>Cancels the caller's token when the client asks for a backoff delay, and never fires.</summary>
    private sealed class CancellingClock(DateTimeOffset now, CancellationTokenSource cts) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            cts.CancelAsync();
            return new StepClock(now).CreateTimer(_ => { }, null, Timeout.InfiniteTimeSpan, period);
        }
    }

    private sealed class TestMeterFactory : IMeterFactory
    {
        public List<Meter> Created { get; } = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(options);
            Created.Add(meter);
            return meter;
        }

        public void Dispose()
        {
            foreach (var meter in Created)
            {
                meter.Dispose();
            }
        }
    }
}
