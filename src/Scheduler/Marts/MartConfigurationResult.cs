using Scheduler.Configuration;

namespace Scheduler.Marts;

/// <summary>What <see cref="MartConfiguration.Read"/> found.</summary>
/// <param name="Marts">The marts without problems.</param>
/// <param name="Problems">Every problem, in configuration order; empty when the configuration is valid.</param>
/// <param name="SqlRoot">The full path of <c>Sql:Root</c>.</param>
internal sealed record MartConfigurationResult(
    IReadOnlyList<MartDefinition> Marts,
    IReadOnlyList<ConfigurationProblem> Problems,
    string SqlRoot)
{
    /// <summary>Every mart found, valid or not: configuration first, then definition files by path.</summary>
    public IReadOnlyList<MartEntry> Entries { get; init; } = [];

    /// <summary>The problems that concern no single mart (connection string, Redshift endpoint, <c>Sql:Root</c>).</summary>
    public IReadOnlyList<ConfigurationProblem> GlobalProblems { get; init; } = [];
}
