using System.Net;
using System.Text;
using Scheduler.Testing.Postgres;

namespace Scheduler.Tests.Emulator;

public sealed class ValidationTests : IAsyncLifetime
{
    private RunningEmulator _emulator = null!;

    public async Task InitializeAsync()
    {
        var server = await PostgresServer.GetAsync();
        _emulator = await RunningEmulator.StartAsync(await server.CreateDatabaseAsync(nameof(ValidationTests)));
    }

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    public static TheoryData<string, string, int, string> Invalid => new()
    {
        // Batch shape
        { "BatchExecuteStatement", """{"Sqls":[],"Database":"dev","WorkgroupName":"wg"}""", 400, "ValidationException" },
        { "BatchExecuteStatement", "{\"Sqls\":[" + string.Join(',', Enumerable.Repeat("\"select 1\"", 41)) + "],\"Database\":\"dev\",\"WorkgroupName\":\"wg\"}", 400, "ValidationException" },
        { "BatchExecuteStatement", """{"Database":"dev","WorkgroupName":"wg"}""", 400, "ValidationException" },
        { "ExecuteStatement", "{\"Sql\":\"select '" + new string('x', 100 * 1024) + "'\",\"Database\":\"dev\",\"WorkgroupName\":\"wg\"}", 400, "ValidationException" },
        // Target
        { "BatchExecuteStatement", """{"Sqls":["select 1"],"Database":"dev","WorkgroupName":"wg","ClusterIdentifier":"c1"}""", 400, "ValidationException" },
        { "BatchExecuteStatement", """{"Sqls":["select 1"],"Database":"dev"}""", 400, "ValidationException" },
        { "BatchExecuteStatement", """{"Sqls":["select 1"],"WorkgroupName":"wg"}""", 400, "ValidationException" },
        { "BatchExecuteStatement", """{"Sqls":["/* emulator: nap=1 */ select 1"],"Database":"dev","WorkgroupName":"wg"}""", 400, "ValidationException" },
        // Ids
        { "DescribeStatement", """{"Id":"not-an-id"}""", 400, "ValidationException" },
        { "DescribeStatement", """{"Id":"11111111-2222-4333-8444-555555555555"}""", 404, "ResourceNotFoundException" },
        { "GetStatementResult", """{"Id":"11111111-2222-4333-8444-555555555555:1"}""", 404, "ResourceNotFoundException" },
        { "CancelStatement", """{"Id":"11111111-2222-4333-8444-555555555555"}""", 404, "ResourceNotFoundException" },
        { "DescribeStatement", """{}""", 400, "ValidationException" },
        { "DescribeStatement", """{"Id":"11111111-2222-4333-8444-555555555555","WaitTimeSeconds":31}""", 400, "ValidationException" },
        // Framing
        { "NoSuchOperation", """{}""", 400, "UnknownOperationException" },
        { "DescribeStatement", """{"Id":""", 400, "SerializationException" },
        { "DescribeStatement", """{"Id":5}""", 400, "SerializationException" },
        { "ListStatements", """{"Status":"RUNNING"}""", 400, "ValidationException" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public async Task Call_AnswersTheServiceError_WhenRequestIsInvalid(string operation, string body, int expectedStatus, string expectedType)
    {
        var (status, json, response) = await _emulator.CallAsync(operation, body);

        Assert.Equal(expectedStatus, (int)status);
        Assert.Equal(expectedType, json.GetProperty("__type").GetString());
        Assert.False(string.IsNullOrEmpty(json.GetProperty("message").GetString()));
        Assert.Equal("application/x-amz-json-1.1", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.Contains("x-amzn-RequestId"));
        response.Dispose();
    }

    [Fact]
    public async Task Call_IsUnknownOperation_WhenTargetHeaderIsMissing()
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes("{}"));
        using var response = await _emulator.HttpClient.PostAsync(_emulator.BaseAddress, content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("UnknownOperationException", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Submit_IsRejectedWithoutARecord_WhenInvalid()
    {
        await _emulator.CallAsync("BatchExecuteStatement", """{"Sqls":[],"Database":"dev","WorkgroupName":"wg","ClientToken":"invalid-1"}""");

        Assert.DoesNotContain(await _emulator.GetStatementsAsync(), s => s.ClientToken == "invalid-1");
    }
}
