namespace Scheduler.Tests.Marts;

/// <summary>A temporary Sql:Root with a few SQL files, removed afterwards.</summary>
public sealed class SqlRootFixture : IDisposable
{
    public SqlRootFixture()
    {
        Parent = Directory.CreateTempSubdirectory("scheduler-marts-").FullName;
        Root = Path.Combine(Parent, "marts");
        Directory.CreateDirectory(Path.Combine(Root, "nested"));
        File.WriteAllText(Path.Combine(Root, "good.sql"), "DELETE FROM t;\nINSERT INTO t SELECT 1;\n");
        File.WriteAllText(Path.Combine(Root, "nested", "other.sql"), "SELECT 1");
        File.WriteAllText(Path.Combine(Root, "broken.sql"), "SELECT 1;\nSELECT 'oops;\n");
        File.WriteAllText(Path.Combine(Parent, "outside.sql"), "SELECT 1");
    }

    /// <summary>The folder holding <see cref="Root"/> and <c>outside.sql</c>.</summary>
    public string Parent { get; }

    /// <summary>The Sql:Root folder.</summary>
    public string Root { get; }

    public void Dispose() => Directory.Delete(Parent, recursive: true);
}
