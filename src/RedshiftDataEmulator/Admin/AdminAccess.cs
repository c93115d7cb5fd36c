using Microsoft.Extensions.Options;
using RedshiftDataEmulator.Protocol;

namespace RedshiftDataEmulator.Admin;

/// <summary>
/// Guards <c>/_emulator/*</c> the way the Data API itself is guarded: with keys configured, a request must carry a
/// SigV4 signature made with them (any region and service name; e.g. <c>curl --aws-sigv4 aws:amz:us-east-1:redshift-data
/// --user KEY:SECRET</c>). <c>/_emulator/health</c> stays open for container health checks; it tells nothing.
/// </summary>
internal static class AdminAccess
{
    /// <summary>The largest body an admin request may carry (fault settings are a few bytes).</summary>
    public const int MaxBodyBytes = 64 * 1024;

    public const string HealthPath = "/_emulator/health";

    public static void UseAdminAccess(this WebApplication app) => app.Use(async (context, next) =>
    {
        var path = context.Request.Path;
        if (!path.StartsWithSegments("/_emulator", StringComparison.Ordinal) || path.Equals(HealthPath, StringComparison.Ordinal))
        {
            await next(context);
            return;
        }

        var options = context.RequestServices.GetRequiredService<IOptions<EmulatorOptions>>().Value;
        if (options.VerifiesSignatures)
        {
            var cancellationToken = context.RequestAborted;
            try
            {
                var authorization = SigV4Verifier.CheckHeaders(
                    context.Request, options, context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow());
                var body = await RequestBody.ReadAsync(context.Request, MaxBodyBytes, "admin requests", cancellationToken);
                SigV4Verifier.VerifySignature(authorization, context.Request, body, options);
                // The endpoint reads the body again.
                context.Request.Body = new MemoryStream(body, writable: false);
            }
            catch (ApiException ex)
            {
                context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
                await DataApiEndpoint.WriteErrorAsync(context, ex, cancellationToken);
                return;
            }
        }

        await next(context);
    });
}
