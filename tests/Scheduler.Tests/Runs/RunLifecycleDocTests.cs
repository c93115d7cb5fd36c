using System.Text;
using Scheduler.Runs;
using Scheduler.Runs.Lifecycle;

namespace Scheduler.Tests.Runs;

/// <summary>docs/run-lifecycle.md draws the state machine's own table, so the diagram cannot drift from the code.</summary>
[Trait("Category", "Fast")]
public sealed class RunLifecycleDocTests
{
    [Fact]
    public void Doc_DrawsTheTransitionTable()
    {
        var doc = File.ReadAllText(Path.Combine(RunHarness.RepositoryRoot, "docs", "run-lifecycle.md")).ReplaceLineEndings("\n");
        var expected = Mermaid();

        Assert.True(doc.Contains(expected, StringComparison.Ordinal),
            "docs/run-lifecycle.md must contain the diagram of RunStateMachine.Table; replace its mermaid block with:\n" + expected);
    }

    /// <summary>The table as a Mermaid state diagram: one arrow per (from, to), labelled with its events.</summary>
    internal static string Mermaid()
    {
        var text = new StringBuilder("```mermaid\nstateDiagram-v2\n");
        text.Append("    [*] --> Submitting: reserved\n");
        text.Append("    [*] --> Skipped: reserved while the mart has an active run\n");
        var arrows = RunStateMachine.Table
            .SelectMany(entry => entry.Value.Select(to => (entry.Key.From, To: to, entry.Key.Event)))
            .GroupBy(a => (a.From, a.To))
            .OrderBy(g => g.Key.From).ThenBy(g => g.Key.To);
        foreach (var arrow in arrows)
        {
            var events = string.Join(", ", arrow.Select(a => a.Event.ToString()).Order(StringComparer.Ordinal));
            text.Append("    ").Append(arrow.Key.From).Append(" --> ").Append(arrow.Key.To).Append(": ").Append(events).Append('\n');
        }

        foreach (var terminal in Enum.GetValues<RunStatus>().Where(s => s.IsTerminal()))
        {
            text.Append("    ").Append(terminal).Append(" --> [*]\n");
        }

        return text.Append("```\n").ToString();
    }
}
