using Scheduler.Marts;

namespace Scheduler.Configuration;

/// <summary>
/// Asks every <see cref="IConfigurationCheck"/> of a built container for its problems: what start-up refuses, and what
/// <c>validate</c> prints, come from the same registrations.
/// </summary>
internal static class ConfigurationChecks
{
    /// <summary>Every problem found, options first, each once.</summary>
    public static IReadOnlyList<ConfigurationProblem> FindProblems(IServiceProvider services, ConfigurationCheckScope scope)
    {
        ArgumentNullException.ThrowIfNull(services);
        return [.. services.GetServices<IConfigurationCheck>().SelectMany(check => check.FindProblems(scope)).Distinct()];
    }
}
