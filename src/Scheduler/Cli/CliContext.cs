namespace Scheduler.Cli;

/// <summary>What a command runs with: its arguments (after the command name) and the standard streams.</summary>
internal sealed record CliContext(string[] Args, TextReader In, TextWriter Out, TextWriter Error, CancellationToken CancellationToken);
