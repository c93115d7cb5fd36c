using Scheduler.Marts;

namespace Scheduler.Configuration;

/// <summary>
/// One part of the configuration that can list its problems without throwing: every options class registered with
/// <see cref="ConfigurationServiceCollectionExtensions.AddValidatedOptions{TOptions, TValidator}"/>, and the mart
/// catalog. <see cref="ConfigurationChecks"/> asks them all, for start-up and for <c>validate</c>.
/// </summary>
internal interface IConfigurationCheck
{
    /// <summary>The problems found; empty when this part is valid.</summary>
    IEnumerable<ConfigurationProblem> FindProblems(ConfigurationCheckScope scope);
}
