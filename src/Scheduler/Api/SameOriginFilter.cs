namespace Scheduler.Api;

/// <summary>
/// Refuses a state-changing API call that a browser sent from another site. Browsers attach remembered Basic
/// credentials (and loopback trust needs none), so without this a page elsewhere could start or cancel runs with
/// a plain form post. Scripts and curl send no <c>Origin</c>/<c>Sec-Fetch-Site</c> and pass.
/// </summary>
internal sealed class SameOriginFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        var fetchSite = request.Headers["Sec-Fetch-Site"].ToString();
        string? origin = request.Headers.Origin;
        var crossSite = fetchSite is "cross-site" or "same-site";
        if (!crossSite && !string.IsNullOrEmpty(origin) && !string.Equals(origin, "null", StringComparison.Ordinal))
        {
            crossSite = !Uri.TryCreate(origin, UriKind.Absolute, out var originUri)
                || !string.Equals(originUri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);
        }
        else if (string.Equals(origin, "null", StringComparison.Ordinal))
        {
            crossSite = true;
        }

        if (crossSite)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status403Forbidden,
                title: "Cross-site request refused",
                detail: "Runs are started and cancelled from the service's own dashboard, or by clients that send no Origin header (curl, scripts).");
        }

        return await next(context).ConfigureAwait(false);
    }
}
