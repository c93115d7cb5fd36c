using Scheduler.Configuration;
using Scheduler.Marts.Live;

namespace Scheduler.Marts;

/// <summary>
/// The mart catalog's part of the configuration check: the start-up read's problems of the whole configuration, and
/// every broken mart's too when start-up is strict or <c>validate</c> asks for everything. (A broken mart otherwise
/// only sets itself aside: the catalog keeps it listed with its problems.)
/// </summary>
internal sealed class MartCatalogCheck(MartConfigurationResult startupRead, MartReloadSettings settings) : IConfigurationCheck
{
    public IEnumerable<ConfigurationProblem> FindProblems(ConfigurationCheckScope scope) =>
        scope == ConfigurationCheckScope.Everything || settings.StrictStartup ? startupRead.Problems : startupRead.GlobalProblems;
}
