using Scheduler.Configuration;

namespace Scheduler.Marts.Live;

/// <summary>The live catalog at one moment: every mart (valid, stale or invalid) and the problems of the whole configuration.</summary>
/// <param name="Version">Grows by one with every change.</param>
/// <param name="Marts">Every mart: configuration first, then definition files by path.</param>
/// <param name="GlobalProblems">
/// Problems of the whole configuration found by the last reload (e.g. <c>Sql:Root</c> gone); while there are any, the
/// marts stay as they were.
/// </param>
/// <param name="LoadedAt">When the last reload finished.</param>
internal sealed record MartCatalogSnapshot(
    long Version,
    IReadOnlyList<MartState> Marts,
    IReadOnlyList<ConfigurationProblem> GlobalProblems,
    DateTimeOffset LoadedAt)
{
    /// <summary>Every problem: the whole configuration's, then each mart's.</summary>
    public IEnumerable<ConfigurationProblem> AllProblems => GlobalProblems.Concat(Marts.SelectMany(m => m.Problems));
}
