using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Scheduler.Tests.Alerts;

/// <summary>A local HTTP receiver for failure webhooks: records every request and answers as told.</summary>
internal sealed class WebhookListener : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<ReceivedWebhook> _received = Channel.CreateUnbounded<ReceivedWebhook>();
    private int _count;

    private WebhookListener(WebApplication app) => _app = app;

    public Uri Url { get; private set; } = null!;

    public int Count => Volatile.Read(ref _count);

    /// <summary>Starts a listener; <paramref name="respond"/> gets the 1-based request number and returns the status to answer.</summary>
    /// <param name="respond">The status to answer, from the 1-based request number (default 200).</param>
    /// <param name="answerDelay">How long to wait before answering.</param>
    /// <param name="redirectTo">Answer every request with a 307 to this URL.</param>
    /// <param name="endlessBody">Answer 200 with a body that never ends (until the client hangs up).</param>
    public static async Task<WebhookListener> StartAsync(Func<int, int>? respond = null, TimeSpan? answerDelay = null,
        Uri? redirectTo = null, bool endlessBody = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var listener = new WebhookListener(app);
        app.MapPost("/hook/{**rest}", async (HttpContext context) =>
        {
            var number = Interlocked.Increment(ref listener._count);
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            await listener._received.Writer.WriteAsync(new ReceivedWebhook(
                context.Request.Path, context.Request.ContentType, context.Request.Headers["X-Scheduler-Alert-Id"].ToString(),
                body));
            if (answerDelay is { } delay)
            {
                await Task.Delay(delay, context.RequestAborted);
            }

            context.Response.StatusCode = respond?.Invoke(number) ?? StatusCodes.Status200OK;
            if (redirectTo is not null)
            {
                context.Response.StatusCode = StatusCodes.Status307TemporaryRedirect;
                context.Response.Headers.Location = redirectTo.ToString();
            }
            else if (endlessBody)
            {
                var chunk = new byte[64 * 1024];
                try
                {
                    while (!context.RequestAborted.IsCancellationRequested)
                    {
                        await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
                    }
                }
                catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidOperationException)
                {
                    // The client stopped reading: what the test wants.
                }
            }
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        listener.Url = new Uri(address + "/hook/alerts");
        return listener;
    }

    /// <summary>The next request, or a failed assertion after <paramref name="timeout"/>.</summary>
    public async Task<ReceivedWebhook> NextAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            return await _received.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException($"No webhook arrived at {Url} within {timeout}.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

internal sealed record ReceivedWebhook(string Path, string? ContentType, string AlertIdHeader, string Body);
