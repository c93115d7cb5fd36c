using Microsoft.OpenApi;

namespace Scheduler.Api;

/// <summary>
/// The HTTP API's OpenAPI document at <see cref="DocumentPath"/>, made by ASP.NET Core's built-in OpenAPI support from
/// the metadata on <see cref="ApiEndpoints"/> (names, summaries, response types, problem responses).
/// </summary>
internal static class OpenApiEndpoints
{
    /// <summary>The name of the one document.</summary>
    public const string DocumentName = "v1";

    /// <summary>Where the document is served.</summary>
    public const string DocumentPath = "/openapi/v1.json";

    /// <summary>Registers the document generator.</summary>
    public static IServiceCollection AddSchedulerOpenApi(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOpenApi(DocumentName, options =>
        {
            // The dashboard, health and metrics endpoints are not part of the JSON API; only /api is described.
            options.ShouldInclude = description => description.RelativePath?.StartsWith("api/", StringComparison.Ordinal) == true;
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Scheduler HTTP API",
                    Version = DocumentName,
                    Description = "Marts, runs, trigger, cancel, pause and resume. Errors are application/problem+json " +
                        "whose detail says what was wrong and what to do. With users configured every request needs HTTP " +
                        "Basic credentials; commands need the Admin role. Without users only loopback requests are served.",
                };
                return Task.CompletedTask;
            });
        });
        return services;
    }

    /// <summary>
    /// Maps <see cref="DocumentPath"/>. It gets no access rule of its own: like the API's reads it falls under the
    /// fallback policy (any authenticated user; loopback in loopback mode), because it describes that API.
    /// </summary>
    public static IEndpointConventionBuilder MapSchedulerOpenApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return endpoints.MapOpenApi("/openapi/{documentName}.json");
    }
}
