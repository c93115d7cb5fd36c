namespace Scheduler.Configuration;

/// <summary>The configuration is invalid; <see cref="Problems"/> lists every problem found, one per line in the message.</summary>
internal sealed class SchedulerConfigurationException : Exception
{
    /// <summary>Creates the exception from the problems found.</summary>
    public SchedulerConfigurationException(IReadOnlyList<ConfigurationProblem> problems)
        : base(FormatMessage(problems))
    {
        Problems = problems;
    }

    /// <summary>Creates the exception with a message and no listed problem.</summary>
    public SchedulerConfigurationException()
        : this([])
    {
    }

    /// <summary>Creates the exception with a message and no listed problem.</summary>
    public SchedulerConfigurationException(string message)
        : base(message)
    {
        Problems = [];
    }

    /// <summary>Creates the exception with a message, an inner exception and no listed problem.</summary>
    public SchedulerConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problems = [];
    }

    /// <summary>Every problem found.</summary>
    public IReadOnlyList<ConfigurationProblem> Problems { get; }

    private static string FormatMessage(IReadOnlyList<ConfigurationProblem> problems) =>
        $"The configuration has {problems.Count} problem(s):" + Environment.NewLine +
        string.Join(Environment.NewLine, problems.Select(p => "  " + p));
}
