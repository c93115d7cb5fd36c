namespace Scheduler.Tests.Packaging;

/// <summary>One Dockerfile instruction: keyword (upper case), its arguments, and the line it starts on.</summary>
internal sealed record DockerInstruction(string Keyword, string Arguments, int Line)
{
    /// <summary>The arguments split on white space, with <c>--flag=value</c> options removed.</summary>
    public IReadOnlyList<string> Words =>
        Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(w => !w.StartsWith("--", StringComparison.Ordinal)).ToList();

    public bool HasOption(string name) =>
        Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).Any(w => w.StartsWith("--" + name, StringComparison.Ordinal));

    public override string ToString() => $"line {Line}: {Keyword} {Arguments}";
}
