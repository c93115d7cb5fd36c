using Scheduler.Security;

namespace Scheduler.Tests.Security;

[Trait("Category", "Fast")]
public sealed class PasswordHashTests
{
    [Fact]
    public void Verify_ReturnsTrue_WhenPasswordIsTheHashedOne()
    {
        var hash = PasswordHash.Create("correct horse", PasswordHash.MinIterations);

        Assert.True(hash.Verify("correct horse"));
    }

    [Theory]
    [InlineData("correct hors")]
    [InlineData("Correct horse")]
    [InlineData("")]
    [InlineData("correct horse ")]
    public void Verify_ReturnsFalse_WhenPasswordDiffers(string candidate)
    {
        var hash = PasswordHash.Create("correct horse", PasswordHash.MinIterations);

        Assert.False(hash.Verify(candidate));
    }

    [Fact]
    public void ToString_RoundTripsThroughParse_WithAlgorithmIterationsSaltAndHash()
    {
        var hash = PasswordHash.Create("pässwörd ✓", PasswordHash.MinIterations);

        var text = hash.ToString();
        var parsed = PasswordHash.Parse(text);

        Assert.StartsWith($"pbkdf2-sha256${PasswordHash.MinIterations}$", text, StringComparison.Ordinal);
        Assert.Equal(4, text.Split('$').Length);
        Assert.True(parsed.Verify("pässwörd ✓"));
        Assert.Equal(text, parsed.ToString());
    }

    [Fact]
    public void Create_UsesAFreshSalt_WhenCalledTwiceWithTheSamePassword()
    {
        var first = PasswordHash.Create("same", PasswordHash.MinIterations).ToString();
        var second = PasswordHash.Create("same", PasswordHash.MinIterations).ToString();

        Assert.NotEqual(first, second);
    }

    [Fact]
    public void Create_UsesTheDefaultIterations_WhenNoneAreGiven()
    {
        var hash = PasswordHash.Create("x");

        Assert.Equal(PasswordHash.DefaultIterations, hash.Iterations);
    }

    [Fact]
    public void Create_Throws_WhenPasswordIsEmpty() =>
        Assert.Equal("password", Assert.Throws<ArgumentException>(() => PasswordHash.Create("")).ParamName);

    [Fact]
    public void Create_Throws_WhenIterationsAreBelowTheMinimum() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => PasswordHash.Create("x", PasswordHash.MinIterations - 1));

    [Theory]
    // Shape
    [InlineData("", "empty")]
    [InlineData("plaintext", "1 '$'-separated part(s)")]
    [InlineData("pbkdf2-sha256$100000$c2FsdHNhbHQ=", "3 '$'-separated part(s)")]
    // Algorithm
    [InlineData("bcrypt$100000$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA==", "algorithm is 'bcrypt'")]
    // Iterations
    [InlineData("pbkdf2-sha256$1000$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA==", "iteration count '1000'")]
    [InlineData("pbkdf2-sha256$lots$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA==", "iteration count 'lots'")]
    [InlineData("pbkdf2-sha256$-100000$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA==", "iteration count '-100000'")]
    // Salt and hash
    [InlineData("pbkdf2-sha256$100000$not base64!$aGFzaGhhc2hoYXNoaGFzaA==", "salt")]
    [InlineData("pbkdf2-sha256$100000$c2FsdHNhbHQ=$c2hvcnQ=", "hash value")]
    public void TryParse_ReturnsFalseWithAReason_WhenTextIsMalformed(string text, string reason)
    {
        var ok = PasswordHash.TryParse(text, out var hash, out var error);

        Assert.False(ok);
        Assert.Null(hash);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ThrowsFormatException_WhenTextIsMalformed() =>
        Assert.Throws<FormatException>(() => PasswordHash.Parse("md5$abc"));
}
