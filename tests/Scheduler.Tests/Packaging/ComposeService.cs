namespace Scheduler.Tests.Packaging;

/// <summary>One service of docker-compose.yml (environment values with compose defaults applied).</summary>
internal sealed record ComposeService(
    string Name,
    string? Image,
    string? BuildContext,
    string? Dockerfile,
    IReadOnlyDictionary<string, string> Environment,
    IReadOnlyList<(int Host, int Container, string? HostIp)> Ports,
    IReadOnlyList<string>? HealthcheckTest,
    IReadOnlyDictionary<string, string?> DependsOn,
    IReadOnlyList<string> Volumes);
