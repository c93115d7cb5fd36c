namespace Scheduler.Cli;

/// <summary>A command of the <c>scheduler</c> command line.</summary>
/// <param name="Name">What the user types, e.g. <c>validate</c>.</param>
/// <param name="Usage">One line of help, e.g. <c>split FILE   print the statements as a JSON array</c>.</param>
/// <param name="RunAsync">Runs the command with the arguments after its name; returns the exit code.</param>
internal sealed record CliCommand(string Name, string Usage, Func<CliContext, Task<int>> RunAsync);
