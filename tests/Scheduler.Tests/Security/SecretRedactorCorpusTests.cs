using System.Text;
using Scheduler.Sql;
using Scheduler.Tests.Packaging;

namespace Scheduler.Tests.Security;

/// <summary>
/// Drives <see cref="SecretRedactor"/> with the corpus of secret forms in <c>secret-forms.txt</c>: every «secret» must
/// be gone after redaction and every ‹kept› part still there.
/// </summary>
[Trait("Category", "Fast")]
public sealed class SecretRedactorCorpusTests
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var form in Read())
        {
            data.Add(form.Name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Redact_RemovesEverySecretAndKeepsTheRest_ForEachFormOfTheCorpus(string name)
    {
        var form = Read().Single(f => f.Name == name);

        var redacted = SecretRedactor.Redact(form.Text);

        foreach (var secret in form.Secrets)
        {
            Assert.DoesNotContain(secret, redacted, StringComparison.Ordinal);
            if (secret.Length >= 6)
            {
                Assert.DoesNotContain(secret[^4..], redacted, StringComparison.Ordinal);
            }
        }

        foreach (var kept in form.Kept)
        {
            Assert.Contains(kept, redacted, StringComparison.Ordinal);
        }

        if (form.Secrets.Count > 0)
        {
            Assert.Contains(SecretRedactor.Mask, redacted, StringComparison.Ordinal);
        }

        Assert.Equal(redacted, SecretRedactor.Redact(redacted));
    }

    [Fact]
    public void Corpus_HoldsTheFormsTheIssueNamed()
    {
        var names = Read().Select(f => f.Name).ToList();

        Assert.True(names.Count >= 20, $"only {names.Count} forms");
        Assert.Contains(names, n => n.Contains("escape string", StringComparison.Ordinal));
        Assert.Contains(names, n => n.Contains("URL", StringComparison.Ordinal));
        Assert.Contains(names, n => n.Contains("JSON", StringComparison.Ordinal));
        Assert.Contains(names, n => n.Contains("comment", StringComparison.Ordinal));
        Assert.Contains(names, n => n.Contains("backslash", StringComparison.Ordinal));
    }

    private static List<Form> Read()
    {
        var forms = new List<Form>();
        string? name = null;
        var text = new StringBuilder();
        foreach (var line in File.ReadAllLines(RepositoryFiles.PathOf("tests/Scheduler.Tests/Security/secret-forms.txt")).Append("## end"))
        {
            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                if (name is not null)
                {
                    forms.Add(Form.Parse(name, text.ToString().TrimEnd('\n')));
                }

                name = line[3..];
                text.Clear();
            }
            else if (name is not null)
            {
                text.Append(line).Append('\n');
            }
        }

        return forms;
    }

    private sealed record Form(string Name, string Text, IReadOnlyList<string> Secrets, IReadOnlyList<string> Kept)
    {
        public static Form Parse(string name, string marked)
        {
            var text = new StringBuilder();
            var secrets = new List<string>();
            var kept = new List<string>();
            List<string>? current = null;
            var part = new StringBuilder();
            foreach (var c in marked)
            {
                switch (c)
                {
                    case '«':
                        current = secrets;
                        part.Clear();
                        break;
                    case '‹':
                        current = kept;
                        part.Clear();
                        break;
                    case '»' or '›':
                        current!.Add(part.ToString());
                        current = null;
                        break;
                    default:
                        text.Append(c);
                        if (current is not null)
                        {
                            part.Append(c);
                        }

                        break;
                }
            }

            return new Form(name, text.ToString(), secrets, kept);
        }
    }
}
