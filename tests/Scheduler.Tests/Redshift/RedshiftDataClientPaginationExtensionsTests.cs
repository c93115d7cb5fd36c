using Amazon.Runtime;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Scheduler.Redshift;
using Scheduler.Redshift.Model;

namespace Scheduler.Tests.Redshift;

[Trait("Category", "Fast")]
public sealed class RedshiftDataClientPaginationExtensionsTests : IDisposable
{
    private readonly ScriptedDataApiServer _server = new();

    public void Dispose() => _server.Dispose();

    private RedshiftDataClient CreateSut() => new(
        new HttpClient(),
        Options.Create(new RedshiftClientOptions { ServiceUrl = _server.Url.ToString() }),
        TimeProvider.System,
        NullLogger<RedshiftDataClient>.Instance,
        new BasicAWSCredentials("AKID", "secret"));

    [Fact]
    public async Task GetStatementResultPagesAsync_FollowsNextTokenUntilAbsent()
    {
        _server
            .Respond(200, """{"Records":[[{"longValue":1}]],"NextToken":"t2"}""")
            .Respond(200, """{"Records":[[{"longValue":2}]],"NextToken":"t3"}""")
            .Respond(200, """{"Records":[[{"longValue":3}]],"NextToken":""}""");
        using var sut = CreateSut();

        var values = new List<long?>();
        await foreach (var page in sut.GetStatementResultPagesAsync(new GetStatementResultRequest { Id = "s1:2" }))
        {
            values.AddRange(page.Records.Select(r => r[0].LongValue));
        }

        Assert.Equal([1L, 2L, 3L], values);
        Assert.Equal(["""{"Id":"s1:2"}""", """{"Id":"s1:2","NextToken":"t2"}""", """{"Id":"s1:2","NextToken":"t3"}"""], _server.Requests.Select(r => r.BodyText));
    }

    [Fact]
    public async Task ListStatementsPagesAsync_KeepsFiltersOnEveryPage()
    {
        _server
            .Respond(200, """{"Statements":[{"Id":"a"}],"NextToken":"n2"}""")
            .Respond(200, """{"Statements":[{"Id":"b"}]}""");
        using var sut = CreateSut();

        var ids = new List<string>();
        await foreach (var page in sut.ListStatementsPagesAsync(new ListStatementsRequest { StatementName = "run-", Status = StatusString.All }))
        {
            ids.AddRange(page.Statements.Select(s => s.Id));
        }

        Assert.Equal(["a", "b"], ids);
        Assert.Equal("""{"NextToken":"n2","StatementName":"run-","Status":"ALL"}""", _server.Requests[1].BodyText);
    }
}
