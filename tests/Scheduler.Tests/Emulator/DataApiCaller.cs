using System.Net;
using System.Text;
using System.Text.Json;
using Scheduler.Testing;

namespace Scheduler.Tests.Emulator;

/// <summary>Raw AWS JSON 1.1 calls to the emulator, for tests that check the wire.</summary>
internal static class DataApiCaller
{
    public static Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> CallAsync(
        this RunningEmulator emulator, string operation, object body, CancellationToken cancellationToken = default) =>
        emulator.CallAsync(operation, body, emulator.HttpClient, cancellationToken);

    /// <summary>A raw call through <paramref name="client"/> (e.g. an unsigned one).</summary>
    public static async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> CallAsync(
        this RunningEmulator emulator, string operation, object body, HttpClient client, CancellationToken cancellationToken = default)
    {
        var json = body as string ?? JsonSerializer.Serialize(body);
        using var request = new HttpRequestMessage(HttpMethod.Post, emulator.BaseAddress);
        request.Headers.TryAddWithoutValidation("X-Amz-Target", $"RedshiftData.{operation}");
        request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(json));
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/x-amz-json-1.1");
        var response = await client.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        using var document = JsonDocument.Parse(text.Length == 0 ? "{}" : text);
        return (response.StatusCode, document.RootElement.Clone(), response);
    }

    public static async Task<JsonElement> OkAsync(this RunningEmulator emulator, string operation, object body, CancellationToken cancellationToken = default)
    {
        var (status, json, response) = await emulator.CallAsync(operation, body, cancellationToken);
        response.Dispose();
        Assert.True(status == HttpStatusCode.OK, $"{operation} answered {(int)status}: {json}");
        return json;
    }

    public static async Task<string> SubmitBatchAsync(this RunningEmulator emulator, params string[] sqls) =>
        (await emulator.OkAsync("BatchExecuteStatement", new { Sqls = sqls, Database = "dev", WorkgroupName = "wg" })).GetProperty("Id").GetString()!;

    /// <summary>Long-polls DescribeStatement until the statement is terminal (generous deadline).</summary>
    public static Task<JsonElement> WaitForEndAsync(this RunningEmulator emulator, string id, int deadlineSeconds = 60) =>
        // The long poll itself waits for the end: no pause between calls.
        Eventually.ValueAsync(() => emulator.OkAsync("DescribeStatement", new { Id = id, WaitTimeSeconds = 5 }),
            described => described.GetProperty("Status").GetString() is "FINISHED" or "FAILED" or "ABORTED", $"statement {id} ends",
            TimeSpan.FromSeconds(deadlineSeconds), TimeSpan.Zero, described => described.ToString());

    public static Task<JsonElement> WaitForStatusAsync(this RunningEmulator emulator, string id, string status, int deadlineSeconds = 30) =>
        Eventually.ValueAsync(() => emulator.OkAsync("DescribeStatement", new { Id = id }),
            described => described.GetProperty("Status").GetString() == status, $"statement {id} is {status}",
            TimeSpan.FromSeconds(deadlineSeconds), TimeSpan.FromMilliseconds(20), described => described.ToString());
}
