using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RedshiftDataEmulator.Faults;
using RedshiftDataEmulator.Limits;
using RedshiftDataEmulator.Protocol.Model;
using RedshiftDataEmulator.Protocol.Operations;

namespace RedshiftDataEmulator.Protocol;

/// <summary>
/// <c>POST /</c>: AWS JSON 1.1 framing, SigV4 (headers before the body), the body's bound, the operation's quota, faults,
/// then the operation's handler; errors as AWS writes them.
/// </summary>
internal static class DataApiEndpoint
{
    private const string ContentType = "application/x-amz-json-1.1";
    private const string TargetPrefix = "RedshiftData.";

    public static async Task HandleAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var options = services.GetRequiredService<IOptions<EmulatorOptions>>().Value;
        var requestId = Guid.NewGuid().ToString();
        var cancellationToken = context.RequestAborted;
        context.Response.Headers["x-amzn-RequestId"] = requestId;
        var operation = "";
        try
        {
            // The headers are checked first: an unsigned or foreign request, or one declaring a body over the limit,
            // is refused before a byte of its body is read.
            var authorization = options.VerifiesSignatures
                ? SigV4Verifier.CheckHeaders(context.Request, options, services.GetRequiredService<TimeProvider>().GetUtcNow())
                : null;
            var body = await RequestBody.ReadAsync(context.Request, options.MaxRequestBytes, "Emulator:MaxRequestBytes", cancellationToken);
            if (authorization is not null)
            {
                SigV4Verifier.VerifySignature(authorization, context.Request, body, options);
            }

            var target = context.Request.Headers["X-Amz-Target"].ToString();
            if (!target.StartsWith(TargetPrefix, StringComparison.Ordinal))
            {
                throw new ApiException(400, "UnknownOperationException",
                    target.Length == 0 ? "Missing X-Amz-Target header" : $"Unknown operation target '{target}': expected RedshiftData.<Operation>.");
            }

            operation = target[TargetPrefix.Length..];
            var handler = services.GetRequiredService<DataApiOperations>().Get(operation);
            // The quota before anything else, as the service throttles; a throttled or faulted call does nothing more.
            services.GetRequiredService<CallQuota>().Admit(operation);
            await services.GetRequiredService<FaultInjector>().ApplyAsync(cancellationToken);
            var response = await handler.InvokeAsync(body, cancellationToken);
            context.Response.StatusCode = 200;
            context.Response.ContentType = ContentType;
            await context.Response.Body.WriteAsync(response, cancellationToken);
        }
        catch (ApiException ex)
        {
            await WriteErrorAsync(context, ex, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The caller went away.
        }
#pragma warning disable CA1031 // every failure must still reach the caller in the AWS error shape
        catch (Exception ex)
#pragma warning restore CA1031
        {
            services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DataApiEndpoint)).RequestFailed(requestId, operation, ex);
            await WriteErrorAsync(context, new ApiException(500, "InternalServerException", $"Internal server error: {ex.Message}"), cancellationToken);
        }
    }

    internal static async Task WriteErrorAsync(HttpContext context, ApiException error, CancellationToken cancellationToken)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        context.Response.StatusCode = error.StatusCode;
        context.Response.ContentType = ContentType;
        context.Response.Headers["x-amzn-ErrorType"] = error.ErrorType;
        var body = JsonSerializer.SerializeToUtf8Bytes(
            new ErrorResponse { Type = error.ErrorType, Message = error.Message, ResourceId = error.ResourceId },
            DataApiJsonContext.Default.ErrorResponse);
        await context.Response.Body.WriteAsync(body, cancellationToken);
    }
}
