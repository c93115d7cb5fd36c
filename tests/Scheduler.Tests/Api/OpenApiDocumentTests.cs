using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Scheduler.Api;
using Scheduler.Tests.Runs;

namespace Scheduler.Tests.Api;

/// <summary>
/// /openapi/v1.json describes every /api route the app maps, found from the routing table itself, so a new route
/// without OpenAPI metadata fails here rather than going undocumented.
/// </summary>
[Collection(SchedulerHostGroup.Name)]
public sealed class OpenApiDocumentTests
{
    [Fact]
    public async Task Document_DescribesEveryApiRoute_WithItsMethodResponsesAndProblems()
    {
        await using var host = await OpsHost.StartAsync(nameof(OpenApiDocumentTests));
        using var client = host.CreateClient();

        using var response = await client.GetAsync(OpenApiEndpoints.DocumentPath);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var paths = document.RootElement.GetProperty("paths");
        var routes = ApiRoutes(host.Services);
        Assert.True(routes.Count >= 10, $"expected the API's routes in the routing table, found {routes.Count}");
        foreach (var (pattern, method) in routes)
        {
            Assert.True(paths.TryGetProperty(pattern, out var item) && item.TryGetProperty(method.ToLowerInvariant(), out _),
                $"{method} {pattern} is mapped but missing from {OpenApiEndpoints.DocumentPath}: give it .WithName/.WithSummary/.Produces metadata.");
            var operation = item.GetProperty(method.ToLowerInvariant());
            Assert.True(operation.TryGetProperty("operationId", out _), $"{method} {pattern} has no operationId (.WithName)");
            Assert.True(operation.TryGetProperty("summary", out _), $"{method} {pattern} has no summary (.WithSummary)");
            var responses = operation.GetProperty("responses").EnumerateObject().ToList();
            Assert.Contains(responses, r => r.Name.StartsWith('2') && r.Value.GetProperty("content").TryGetProperty("application/json", out _));
            foreach (var error in responses.Where(r => r.Name.StartsWith('4')))
            {
                Assert.True(error.Value.TryGetProperty("content", out var content) && content.TryGetProperty("application/problem+json", out _),
                    $"{method} {pattern} answers {error.Name} without an application/problem+json schema");
            }
        }
    }

    [Fact]
    public async Task Document_IsChallenged_WhenUsersAreConfiguredAndRequestHasNoCredentials()
    {
        await using var host = await OpsHost.StartAsync(nameof(OpenApiDocumentTests), OpsHost.Users(("victor", "victor-pw", "Viewer")));
        using var anonymous = host.CreateClient();
        using var viewer = host.CreateClient("victor", "victor-pw");

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(OpenApiEndpoints.DocumentPath)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync(OpenApiEndpoints.DocumentPath)).StatusCode);
    }

    private static List<(string Pattern, string Method)> ApiRoutes(IServiceProvider services) =>
        [.. services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => (e.RoutePattern.RawText!, m)))];
}
