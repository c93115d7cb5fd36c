using Scheduler.Marts;
using Scheduler.Configuration;

namespace Scheduler.Api;

/// <summary>One problem of a mart's definition as <c>GET /api/marts</c> shows it.</summary>
/// <param name="Key">The key, e.g. <c>Marts:daily:Cron</c> or <c>finance/daily.mart.json:Cron</c>.</param>
/// <param name="Value">The value found; null when missing.</param>
/// <param name="Expected">What was expected.</param>
/// <param name="File">The definition file, relative to <c>Sql:Root</c>; null for configuration.</param>
/// <param name="Line">The line in <paramref name="File"/>, when known.</param>
/// <param name="Message">All of it in one line, as <c>validate</c> prints it.</param>
internal sealed record MartProblem(string Key, string? Value, string Expected, string? File, int? Line, string Message)
{
    /// <summary>The API form of a configuration problem.</summary>
    public static MartProblem From(ConfigurationProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return new MartProblem(problem.Key, problem.Value, problem.Expected, problem.File, problem.Line, problem.ToString());
    }
}
