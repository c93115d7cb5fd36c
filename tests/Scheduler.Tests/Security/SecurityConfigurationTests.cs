using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Scheduler.Configuration;
using Scheduler.Marts;
using Scheduler.Security;

namespace Scheduler.Tests.Security;

[Trait("Category", "Fast")]
public sealed class SecurityConfigurationTests
{
    private static readonly string s_validHash = PasswordHash.Create("secret", PasswordHash.MinIterations).ToString();

    [Fact]
    public void Read_ReturnsNoUser_WhenSectionIsAbsent()
    {
        var problems = new List<ConfigurationProblem>();

        var users = SecurityConfiguration.Read(Configuration([]), problems);

        Assert.Empty(users);
        Assert.Empty(problems);
    }

    [Fact]
    public void Read_ReturnsUsersWithRoles_WhenValid()
    {
        var problems = new List<ConfigurationProblem>();

        var users = SecurityConfiguration.Read(Configuration(new()
        {
            ["Security:Users:alice:PasswordHash"] = s_validHash,
            ["Security:Users:alice:Role"] = "Admin",
            ["Security:Users:bob:PasswordHash"] = s_validHash,
            ["Security:Users:bob:Role"] = "viewer",
        }), problems);

        Assert.Empty(problems);
        Assert.Equal(SchedulerRole.Admin, users.Single(u => u.Name == "alice").Role);
        Assert.Equal(SchedulerRole.Viewer, users.Single(u => u.Name == "bob").Role);
        Assert.True(users[0].PasswordHash.Verify("secret"));
    }

    [Theory]
    [InlineData("Owner")]
    [InlineData("1")]
    [InlineData("Admins")]
    public void Read_ReportsTheRoleKey_WhenRoleIsUnknown(string role)
    {
        var problems = new List<ConfigurationProblem>();

        var users = SecurityConfiguration.Read(Configuration(new()
        {
            ["Security:Users:alice:PasswordHash"] = s_validHash,
            ["Security:Users:alice:Role"] = role,
        }), problems);

        Assert.Empty(users);
        var problem = Assert.Single(problems);
        Assert.Equal("Security:Users:alice:Role", problem.Key);
        Assert.Equal(role, problem.Value);
        Assert.Contains("Admin", problem.Expected, StringComparison.Ordinal);
        Assert.Contains("Viewer", problem.Expected, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ReportsTheHashKeyWithoutEchoingIt_WhenHashIsMalformed()
    {
        var problems = new List<ConfigurationProblem>();

        SecurityConfiguration.Read(Configuration(new()
        {
            ["Security:Users:alice:PasswordHash"] = "pbkdf2-sha256$12$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA==",
            ["Security:Users:alice:Role"] = "Admin",
        }), problems);

        var problem = Assert.Single(problems);
        Assert.Equal("Security:Users:alice:PasswordHash", problem.Key);
        Assert.DoesNotContain("c2FsdHNhbHQ", problem.ToString(), StringComparison.Ordinal);
        Assert.Contains("iteration count '12'", problem.Expected, StringComparison.Ordinal);
        Assert.Contains("hash-password", problem.Expected, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ReportsEveryProblemAtOnce_WhenSeveralUsersAreBroken()
    {
        var problems = new List<ConfigurationProblem>();

        SecurityConfiguration.Read(Configuration(new()
        {
            ["Security:Users:alice:Role"] = "Admin",
            ["Security:Users:bob:PasswordHash"] = s_validHash,
            ["Security:Users:carol:PasswordHash"] = s_validHash,
            ["Security:Users:carol:Role"] = "Viewer",
            ["Security:Users:carol:Password"] = "plain",
            ["Security:Users:dave"] = "just-a-string",
        }), problems);

        Assert.Equal(
            ["Security:Users:alice:PasswordHash", "Security:Users:bob:Role", "Security:Users:carol:Password", "Security:Users:dave"],
            problems.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(problems, p => p.ToString().Contains("'plain'", StringComparison.Ordinal)
            || p.ToString().Contains("just-a-string", StringComparison.Ordinal));
    }

    [Fact]
    public void AddSchedulerSecurity_ListsTheProblemNamingTheKeyWithoutThrowing_WhenConfigurationIsInvalid()
    {
        var services = new ServiceCollection().AddLogging().AddSingleton(TimeProvider.System);

        services.AddSchedulerSecurity(Configuration(new()
        {
            ["Security:Users:alice:PasswordHash"] = s_validHash,
            ["Security:Users:alice:Role"] = "Root",
        }));
        using var provider = services.BuildServiceProvider();

        var problem = Assert.Single(ConfigurationChecks.FindProblems(provider, ConfigurationCheckScope.StartUp));
        Assert.Equal("Security:Users:alice:Role = 'Root': Admin (may trigger and cancel runs) or Viewer (read-only)", problem.ToString());
        // Nothing is made from options that failed: the users cannot be read.
        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<SchedulerUserDirectory>());
    }

    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
