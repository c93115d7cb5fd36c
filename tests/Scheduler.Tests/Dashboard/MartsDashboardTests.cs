using System.Net;
using System.Text.Json;
using Scheduler.Runs;
using Scheduler.Tests.Api;
using Scheduler.Tests.Runs;

namespace Scheduler.Tests.Dashboard;

/// <summary>The Marts pages and commands over HTTP (the browser tests drive them in Chromium).</summary>
[Collection(SchedulerHostGroup.Name)]
public sealed class MartsDashboardTests
{
    [Fact]
    public async Task Pages_RenderMartsRunAndRunsList_WithEncodedContent()
    {
        await using var stack = await ApiStack.StartAsync(nameof(MartsDashboardTests), new Dictionary<string, string>
        {
            ["sample"] = "select '<b>not bold</b>' as x; select 1/0;",
        });
        var run = await stack.Harness.StartRunAsync("sample");
        var ended = await stack.Harness.WaitForTerminalAsync(run.RunId);
        using var client = stack.Client();

        var marts = await client.GetStringAsync("hangfire/marts");
        var runPage = await client.GetStringAsync($"hangfire/marts/runs/{run.RunId:D}");
        var runs = await client.GetStringAsync("hangfire/marts/runs?mart=sample&status=Failed");
        var none = await client.GetStringAsync("hangfire/marts/runs?status=Succeeded");

        Assert.Equal(RunStatus.Failed, ended.Status);
        Assert.Contains("data-mart=\"sample\"", marts, StringComparison.Ordinal);
        Assert.Contains("Manual only", marts, StringComparison.Ordinal);
        Assert.Contains($"marts/runs/{run.RunId:D}", marts, StringComparison.Ordinal);
        Assert.Contains("data-status=\"Failed\"", runPage, StringComparison.Ordinal);
        Assert.Contains("&lt;b&gt;not bold&lt;/b&gt;", runPage, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>not bold</b>", runPage, StringComparison.Ordinal);
        Assert.Contains("division by zero", runPage, StringComparison.Ordinal);
        Assert.Contains("class=\"danger\" data-index=\"2\"", runPage, StringComparison.Ordinal);
        Assert.Contains(ended.StatementId!, runPage, StringComparison.Ordinal);
        Assert.Contains($"data-run=\"{run.RunId:D}\"", runs, StringComparison.Ordinal);
        Assert.DoesNotContain($"data-run=\"{run.RunId:D}\"", none, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunPage_Is404_WhenTheRunIsUnknown()
    {
        await using var stack = await ApiStack.StartAsync(nameof(MartsDashboardTests));
        using var client = stack.Client();

        using var response = await client.GetAsync($"hangfire/marts/runs/{Guid.NewGuid():D}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("Unknown run", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Commands_StartSkipAndCancel_AndSayWhatHappened()
    {
        await using var stack = await ApiStack.StartAsync(nameof(MartsDashboardTests));
        using var client = stack.Client();
        var (header, token) = await OpsHost.GetAntiforgeryAsync(client, "hangfire/marts");

        var started = await CommandAsync(client, "hangfire/marts/slow/run", header, token);
        var skipped = await CommandAsync(client, "hangfire/marts/slow/run", header, token);
        var unknown = await CommandAsync(client, "hangfire/marts/nope/run", header, token);
        var runId = started.Body.GetProperty("runId").GetGuid();
        await stack.Harness.WaitForRunAsync(runId, r => r.Status == RunStatus.Running);
        var cancelling = await CommandAsync(client, $"hangfire/marts/runs/{runId:D}/cancel", header, token);
        await stack.Harness.WaitForTerminalAsync(runId);
        var notActive = await CommandAsync(client, $"hangfire/marts/runs/{runId:D}/cancel", header, token);
        using var get = await client.GetAsync("hangfire/marts/slow/run");

        Assert.Equal((HttpStatusCode.OK, "started"), (started.Status, started.Body.GetProperty("outcome").GetString()));
        Assert.Equal($"hangfire/marts/runs/{runId:D}", started.Body.GetProperty("runUrl").GetString()!.TrimStart('/'));
        Assert.Equal((HttpStatusCode.Conflict, "skipped"), (skipped.Status, skipped.Body.GetProperty("outcome").GetString()));
        Assert.Equal($"Skipped: run {runId:D} of mart 'slow' is still active.", skipped.Body.GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
        Assert.Equal((HttpStatusCode.OK, "cancelling"), (cancelling.Status, cancelling.Body.GetProperty("outcome").GetString()));
        Assert.Equal((HttpStatusCode.Conflict, "not-active"), (notActive.Status, notActive.Body.GetProperty("outcome").GetString()));
        Assert.Equal(RunStatus.Cancelled, (await stack.Harness.Ledger.GetAsync(runId, CancellationToken.None))!.Status);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, get.StatusCode);
    }

    [Fact]
    public async Task Commands_AreRefused_ForViewersAndWithoutTheAntiforgeryToken()
    {
        await using var stack = await ApiStack.StartAsync(nameof(MartsDashboardTests),
            settings: OpsHost.Users(("alice", "alice-pw", "Admin"), ("victor", "victor-pw", "Viewer")));
        using var viewer = stack.Client("victor", "victor-pw");
        using var admin = stack.Client("alice", "alice-pw");
        var (viewerHeader, viewerToken) = await OpsHost.GetAntiforgeryAsync(viewer, "hangfire/marts");
        var viewerPage = await viewer.GetStringAsync("hangfire/marts");

        var byViewer = await CommandAsync(viewer, "hangfire/marts/sample/run", viewerHeader, viewerToken);
        using var forged = await admin.PostAsync("hangfire/marts/sample/run", null);

        Assert.Contains("disabled=\"disabled\" title=\"Run now needs the Admin role\"", viewerPage, StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.Forbidden, "forbidden"), (byViewer.Status, byViewer.Body.GetProperty("outcome").GetString()));
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Empty(await stack.Harness.Ledger.ListAsync("sample", null, 10, CancellationToken.None));
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> CommandAsync(HttpClient client, string path, string header, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        request.Headers.Add(header, token);
        using var response = await client.SendAsync(request);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }
}
