using Microsoft.AspNetCore.Mvc;

namespace Scheduler.Security;

/// <summary>
/// Loopback mode (no user configured): serves only requests from the loopback interface, addressed to localhost,
/// 127.0.0.1 or [::1], that no proxy forwarded. A web page whose name re-resolves to 127.0.0.1 (DNS rebinding) gets
/// 403, because its requests carry its own name as Host.
/// </summary>
internal sealed class LoopbackOnlyMiddleware(RequestDelegate next, ILogger<LoopbackOnlyMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (LoopbackExposure.IsLocalRequest(context.Request, out var reason))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        logger.NotLocal(context.Request.Method, context.Request.Path.Value ?? "", reason);
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status403Forbidden,
            Title = "Forbidden",
            Detail = "No user is configured (Security:Users), so only requests from this machine to http://localhost, " +
                $"http://127.0.0.1 or http://[::1] are served, and {reason}. To serve other clients, configure users (see docs/security.md).",
        };
        await context.Response.WriteAsJsonAsync(problem, (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json").ConfigureAwait(false);
    }
}
