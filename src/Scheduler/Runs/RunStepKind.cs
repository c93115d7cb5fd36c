namespace Scheduler.Runs;

/// <summary>Which job a transition schedules.</summary>
internal enum RunStepKind
{
    None,
    Submit,
    Poll,
}
