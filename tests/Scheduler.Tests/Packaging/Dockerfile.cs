namespace Scheduler.Tests.Packaging;

/// <summary>A Dockerfile as a list of instructions (continuation lines joined, comments dropped), split into stages.</summary>
internal sealed class Dockerfile
{
    private Dockerfile(string path, IReadOnlyList<DockerInstruction> instructions)
    {
        Path = path;
        Instructions = instructions;
    }

    public string Path { get; }

    public IReadOnlyList<DockerInstruction> Instructions { get; }

    /// <summary>Instructions of the last stage (from its FROM on).</summary>
    public IReadOnlyList<DockerInstruction> FinalStage =>
        Instructions.Skip(Instructions.Select((i, n) => (i, n)).Last(x => x.i.Keyword == "FROM").n).ToList();

    public static Dockerfile Load(string path)
    {
        var instructions = new List<DockerInstruction>();
        var lines = File.ReadAllLines(path);
        for (var n = 0; n < lines.Length; n++)
        {
            var line = lines[n].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var start = n + 1;
            var text = line;
            while (text.EndsWith('\\') && n + 1 < lines.Length)
            {
                text = text[..^1].TrimEnd() + " ";
                n++;
                var next = lines[n].Trim();
                if (!next.StartsWith('#'))
                {
                    text += next;
                }
            }

            var space = text.IndexOf(' ', StringComparison.Ordinal);
            instructions.Add(new DockerInstruction(
                (space < 0 ? text : text[..space]).ToUpperInvariant(),
                space < 0 ? string.Empty : text[(space + 1)..].Trim(),
                start));
        }

        return new Dockerfile(path, instructions);
    }
}
