namespace Scheduler.Marts.Dependencies;

/// <summary>One thing wrong with a mart's <c>DependsOn</c>.</summary>
/// <param name="Index">The list entry concerned (<c>DependsOn:&lt;index&gt;</c>), or null for the whole list (a cycle).</param>
/// <param name="Value">The name found, or the cycle (<c>a → b → a</c>).</param>
/// <param name="Expected">What was expected instead.</param>
internal sealed record DependencyProblem(int? Index, string Value, string Expected);
