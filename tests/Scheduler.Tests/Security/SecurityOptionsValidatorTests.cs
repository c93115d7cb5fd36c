using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Scheduler.Alerts;
using Scheduler.Security;

namespace Scheduler.Tests.Security;

public sealed class SecurityOptionsValidatorTests
{
    private static readonly string s_validHash = PasswordHash.Create("secret", PasswordHash.MinIterations).ToString();

    [Fact]
    public void Validate_ListsEveryProblemWithKeyAndValue_WhenSeveralValuesAreBad()
    {
        var configuration = Configuration(new()
        {
            ["Security:Users:alice:Role"] = "Root",
            ["Security:Users:alice:PasswordHash"] = s_validHash,
            ["Security:Users:bob:Role"] = "Viewer",
            ["Security:KnownProxies:0"] = "10.0.0.0/8",
            ["Security:KnownNetworks:0"] = "10.0.0.1",
        });
        var options = SecurityConfiguration.Bind(configuration);

        var result = new SecurityOptionsValidator(configuration).Validate(null, options);

        Assert.True(result.Failed);
        Assert.Equal(
        [
            "Security:KnownNetworks:0 = '10.0.0.1': a network in CIDR notation with no host bits set (10.0.0.0/8, fd00::/64)",
            "Security:KnownProxies:0 = '10.0.0.0/8': an IP address of a reverse proxy (10.0.0.5, fd00::5); networks go under Security:KnownNetworks",
            "Security:Users:alice:Role = 'Root': Admin (may trigger and cancel runs) or Viewer (read-only)",
            "Security:Users:bob:PasswordHash (missing): " + PasswordHash.FormatDescription,
        ], result.Failures!.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void AddSchedulerSecurity_BindsTheOptionsAndValidatesThemOnStart_WhenConfigurationIsValid()
    {
        var configuration = Configuration(new()
        {
            ["Security:Users:alice:Role"] = "Admin",
            ["Security:Users:alice:PasswordHash"] = s_validHash,
            ["Security:KnownProxies:0"] = "10.0.0.5",
        });
        var services = new ServiceCollection().AddLogging().AddSingleton(TimeProvider.System);

        services.AddSchedulerSecurity(configuration);
        using var provider = services.BuildServiceProvider();

        Assert.Equal("Admin", provider.GetRequiredService<IOptions<SecurityOptions>>().Value.Users["alice"].Role);
        Assert.Contains(provider.GetServices<IValidateOptions<SecurityOptions>>(), v => v is SecurityOptionsValidator);
        Assert.Equal("alice", Assert.Single(provider.GetRequiredService<SchedulerUserDirectory>().Users).Name);
        Assert.Equal("10.0.0.5", Assert.Single(provider.GetRequiredService<ForwardedHeadersTrust>().Proxies).ToString());
    }

    [Fact]
    public void AlertOptionsValidator_ListsEveryProblem_WhenSeveralValuesAreBad()
    {
        var configuration = Configuration(new()
        {
            ["Alerts:WebhookUrl"] = "ftp://hooks.example.com/T000/secret",
            ["Alerts:MaxAttempts"] = "0",
            ["Alerts:RetryDelay"] = "soon",
            ["Alerts:Timeout"] = "00:10:00",
        });

        var result = new AlertOptionsValidator(configuration).Validate(null, AlertConfiguration.Bind(configuration));

        Assert.True(result.Failed);
        Assert.Equal(4, result.Failures!.Count());
        Assert.Contains("Alerts:WebhookUrl = '(hidden)': an absolute http:// or https:// URL", result.Failures!);
        Assert.Contains("Alerts:RetryDelay = 'soon': a TimeSpan (hh:mm:ss) from 00:00:01 to 01:00:00", result.Failures!);
        Assert.DoesNotContain(result.Failures!, f => f.Contains("secret", StringComparison.Ordinal));
    }

    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
