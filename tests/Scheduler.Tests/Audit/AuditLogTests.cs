using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Scheduler.Tests.Api;
using Scheduler.Tests.Runs;

namespace Scheduler.Tests.Audit;

[Collection(SchedulerHostGroup.Name)]
public sealed class AuditLogTests
{
    [Fact]
    public async Task Audit_RecordsAnAdminsActionsAndAViewersRefusal_AndIsShownToAdminsOnly()
    {
        var users = OpsHost.Users(("alice", "alice-pw", "Admin"), ("bob", "bob-pw", "Viewer"));
        await using var host = await OpsHost.StartAsync(nameof(AuditLogTests), users);
        using var alice = host.CreateClient("alice", "alice-pw");
        using var bob = host.CreateClient("bob", "bob-pw");
        using var anonymous = host.CreateClient();

        using (var paused = await alice.PostAsync("/api/marts/sample/pause", Json("""{"reason": "warehouse maintenance"}""")))
        {
            Assert.Equal(HttpStatusCode.OK, paused.StatusCode);
            Assert.Equal("warehouse maintenance", (await paused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reason").GetString());
        }

        using (var resumed = await alice.PostAsync("/api/marts/sample/resume", null))
        {
            Assert.Equal(HttpStatusCode.OK, resumed.StatusCode);
        }

        using (var run = await alice.PostAsync("/api/marts/sample/runs", Json("""{"parameters": {"api_token": "s3cr3t-9f2b"}}""")))
        {
            Assert.True(run.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.BadRequest, run.StatusCode.ToString());
        }

        using (var backfill = await alice.PostAsync("/api/marts/sample/backfills", Json("""{"from": "2026-11-01", "to": "2026-11-02"}""")))
        {
            Assert.Equal(HttpStatusCode.Accepted, backfill.StatusCode);
        }

        using (var refused = await bob.PostAsync("/api/marts/sample/pause", null))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        using var anonymousAudit = await anonymous.GetAsync("/api/audit");
        using var viewerAudit = await bob.GetAsync("/api/audit");
        var entries = await alice.GetFromJsonAsync<JsonElement>("/api/audit?limit=50");
        var list = entries.EnumerateArray().ToList();
        var raw = entries.GetRawText();

        Assert.Equal(HttpStatusCode.Unauthorized, anonymousAudit.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, viewerAudit.StatusCode);
        var pause = Assert.Single(list, e => e.GetProperty("action").GetString() == "mart.pause" && e.GetProperty("user").GetString() == "alice");
        Assert.Equal("accepted", pause.GetProperty("outcome").GetString());
        Assert.Equal("Admin", pause.GetProperty("role").GetString());
        Assert.Equal("mart/sample", pause.GetProperty("target").GetString());
        Assert.Equal("warehouse maintenance", pause.GetProperty("parameters").GetProperty("reason").GetString());
        Assert.False(string.IsNullOrEmpty(pause.GetProperty("remoteAddress").GetString()));
        Assert.Single(list, e => e.GetProperty("action").GetString() == "mart.resume");
        Assert.Single(list, e => e.GetProperty("action").GetString() == "run.start");
        Assert.Single(list, e => e.GetProperty("action").GetString() == "backfill.start");
        var refusal = Assert.Single(list, e => e.GetProperty("user").GetString() == "bob");
        Assert.Equal("refused", refusal.GetProperty("outcome").GetString());
        Assert.Equal(403, refusal.GetProperty("status").GetInt32());
        Assert.Equal("Viewer", refusal.GetProperty("role").GetString());
        Assert.DoesNotContain("s3cr3t-9f2b", raw, StringComparison.Ordinal);

        var mine = await alice.GetFromJsonAsync<JsonElement>("/api/audit?user=bob");
        Assert.Single(mine.EnumerateArray());
        var page = await alice.GetStringAsync("/hangfire/audit");
        Assert.Contains("mart.pause", page, StringComparison.Ordinal);
        var viewerPage = await bob.GetStringAsync("/hangfire/audit");
        Assert.DoesNotContain("mart.pause", viewerPage, StringComparison.Ordinal);
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
