namespace Scheduler.Configuration;

/// <summary>Which problems a <see cref="IConfigurationCheck"/> is asked for.</summary>
internal enum ConfigurationCheckScope
{
    /// <summary>The problems that stop start-up (a broken mart does not, unless <c>Marts:StrictStartup</c>).</summary>
    StartUp,

    /// <summary>Every problem, a broken mart's included (the <c>validate</c> command).</summary>
    Everything,
}
