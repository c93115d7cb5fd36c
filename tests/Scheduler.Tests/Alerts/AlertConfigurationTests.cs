using Microsoft.Extensions.Configuration;
using Scheduler.Alerts;
using Scheduler.Configuration;
using Scheduler.Marts;

namespace Scheduler.Tests.Alerts;

[Trait("Category", "Fast")]
public sealed class AlertConfigurationTests
{
    [Fact]
    public void Read_ReturnsDefaults_WhenNothingIsConfigured()
    {
        var problems = new List<ConfigurationProblem>();

        var settings = AlertConfiguration.Read(Configuration([]), problems);

        Assert.Empty(problems);
        Assert.Null(settings.WebhookFor("any"));
        Assert.Null(settings.RunLink("r"));
        Assert.Equal(AlertSettings.DefaultMaxAttempts, settings.MaxAttempts);
        Assert.Equal(AlertSettings.DefaultRetryDelay, settings.RetryDelay);
    }

    [Fact]
    public void Read_PrefersTheMartsWebhook_WhenBothAreConfigured()
    {
        var problems = new List<ConfigurationProblem>();

        var settings = AlertConfiguration.Read(Configuration(new()
        {
            ["Alerts:WebhookUrl"] = "https://hooks.example.com/global",
            ["Marts:a:Alerts:WebhookUrl"] = "https://hooks.example.com/a",
            ["Marts:b:SqlFile"] = "b.sql",
        }), problems);

        Assert.Empty(problems);
        Assert.Equal("https://hooks.example.com/a", settings.WebhookFor("a")?.ToString());
        Assert.Equal("https://hooks.example.com/global", settings.WebhookFor("b")?.ToString());
    }

    [Theory]
    // URLs (webhook URLs are not echoed: they often carry a token)
    [InlineData("Alerts:WebhookUrl", "not a url", "http:// or https://")]
    [InlineData("Alerts:WebhookUrl", "ftp://hooks.example.com/x", "http:// or https://")]
    [InlineData("Marts:a:Alerts:WebhookUrl", "/relative", "http:// or https://")]
    [InlineData("Scheduler:PublicUrl", "scheduler.example.com", "http:// or https://")]
    // Retry schedule
    [InlineData("Alerts:MaxAttempts", "0", "from 1 to 50")]
    [InlineData("Alerts:MaxAttempts", "many", "from 1 to 50")]
    [InlineData("Alerts:RetryDelay", "00:00:00.5", "TimeSpan")]
    [InlineData("Alerts:RetryDelay", "soon", "TimeSpan")]
    [InlineData("Alerts:Timeout", "00:10:00", "TimeSpan")]
    // Unknown keys
    [InlineData("Marts:a:Alerts:Email", "ops@example.com", "WebhookUrl")]
    public void Read_ReportsTheKey_WhenAValueIsInvalid(string key, string value, string expected)
    {
        var problems = new List<ConfigurationProblem>();

        AlertConfiguration.Read(Configuration(new() { [key] = value }), problems);

        var problem = Assert.Single(problems);
        Assert.Equal(key, problem.Key);
        Assert.Contains(expected, problem.Expected, StringComparison.Ordinal);
        if (key.EndsWith("WebhookUrl", StringComparison.Ordinal))
        {
            Assert.DoesNotContain(value, problem.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void DelayBefore_DoublesFromTheRetryDelayUpToTheCap()
    {
        var settings = new AlertSettings(null, new Dictionary<string, Uri>(), 20, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10), null);

        Assert.Equal(TimeSpan.FromSeconds(30), settings.DelayBefore(2));
        Assert.Equal(TimeSpan.FromSeconds(60), settings.DelayBefore(3));
        Assert.Equal(TimeSpan.FromSeconds(120), settings.DelayBefore(4));
        Assert.Equal(AlertSettings.MaxRetryDelay, settings.DelayBefore(12));
    }

    [Theory]
    [InlineData("https://scheduler.example.com", "https://scheduler.example.com/hangfire/marts/runs/abc")]
    [InlineData("https://scheduler.example.com/", "https://scheduler.example.com/hangfire/marts/runs/abc")]
    [InlineData("http://host:8080/ops", "http://host:8080/ops/hangfire/marts/runs/abc")]
    public void RunLink_AppendsTheRunPage_ToThePublicUrl(string publicUrl, string expected)
    {
        var settings = AlertConfiguration.Read(Configuration(new() { ["Scheduler:PublicUrl"] = publicUrl }), []);

        Assert.Equal(expected, settings.RunLink("abc")?.ToString());
    }

    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
