using System.Net.Http.Json;
using System.Text.Json;
using Hangfire;
using Scheduler.Marts;
using Scheduler.Runs;
using Scheduler.Sql;

namespace Scheduler.Alerts;

/// <summary>
/// The Hangfire job that POSTs one <see cref="RunFailureAlert"/>. A failed attempt schedules the next one itself
/// (delays from <see cref="AlertSettings.DelayBefore"/>) instead of using Hangfire's automatic retry, whose delays are
/// fixed at compile time; only the last failed attempt ends as a Failed job in the dashboard.
/// </summary>
internal sealed class WebhookAlertJob(
    AlertSettings settings,
    Scheduler.Marts.IMartCatalog catalog,
    IHttpClientFactory httpClients,
    IBackgroundJobClient jobs,
    RunMetrics metrics,
    ILogger<WebhookAlertJob> logger)
{
    /// <summary>The named <see cref="HttpClient"/> used for deliveries.</summary>
    public const string HttpClientName = "Scheduler.Alerts";

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    /// <summary>Delivers the alert (attempt <paramref name="attempt"/> of <see cref="AlertSettings.MaxAttempts"/>).</summary>
    /// <exception cref="AlertDeliveryException">The last attempt failed.</exception>
    [AutomaticRetry(Attempts = 0)]
    [JobDisplayName("Failure alert {0}")]
    public async Task SendAsync(RunFailureAlert alert, int attempt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var url = settings.WebhookFor(alert.Mart, catalog);
        if (url is null)
        {
            logger.AlertDropped(alert.Mart, alert.RunId);
            return;
        }

        string? failure;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(settings.Timeout);
            using var request = new HttpRequestMessage(HttpMethod.Post, url)
            {
                Content = JsonContent.Create(alert, options: s_json),
            };
            request.Headers.Add("X-Scheduler-Alert-Id", alert.AlertId);
            // Only the status matters: the body is never read, so a receiver cannot make us buffer a large answer.
            using var response = await httpClients.CreateClient(HttpClientName)
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                metrics.AlertAttempt("delivered");
                logger.AlertDelivered(alert.Mart, alert.RunId, attempt);
                return;
            }

            failure = (int)response.StatusCode is >= 300 and < 400
                ? $"HTTP {(int)response.StatusCode} {response.ReasonPhrase} (redirects are not followed: configure the final URL)"
                : $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            failure = $"no answer within {settings.Timeout:c}";
        }
        catch (HttpRequestException ex)
        {
            // Connection errors name the host and port only; the redactor also masks a token=… a message might quote.
            failure = SecretRedactor.Redact(ex.Message);
        }

        if (attempt >= settings.MaxAttempts)
        {
            metrics.AlertAttempt("failed");
            logger.AlertGaveUp(alert.Mart, alert.RunId, attempt, failure);
            throw new AlertDeliveryException(
                $"The failure alert for mart '{alert.Mart}' run {alert.RunId} was not delivered after {attempt} attempt(s): {failure}.");
        }

        var delay = settings.DelayBefore(attempt + 1);
        metrics.AlertAttempt("retrying");
        logger.AlertRetrying(alert.Mart, alert.RunId, attempt, failure, delay);
        jobs.Schedule<WebhookAlertJob>(job => job.SendAsync(alert, attempt + 1, CancellationToken.None), delay);
    }
}
