using Microsoft.Extensions.Time.Testing;
using Scheduler.Security;

namespace Scheduler.Tests.Security;

[Trait("Category", "Fast")]
public sealed class CredentialVerifierTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));
    private readonly CredentialVerifier _sut;

    public CredentialVerifierTests()
    {
        _sut = new CredentialVerifier(
            new SchedulerUserDirectory([new SchedulerUser("alice", SchedulerRole.Admin, PasswordHash.Create("s3cret", PasswordHash.MinIterations))]),
            _time);
    }

    [Fact]
    public void Verify_ReturnsTheUser_WhenPasswordIsRight() =>
        Assert.Equal("alice", _sut.Verify("alice", "s3cret")?.Name);

    [Fact]
    public void Verify_ReturnsNull_WhenPasswordIsWrong() =>
        Assert.Null(_sut.Verify("alice", "guess"));

    [Fact]
    public void Verify_ReturnsNull_WhenUserIsUnknown() =>
        Assert.Null(_sut.Verify("mallory", "s3cret"));

    [Fact]
    public void Verify_ComparesNamesOrdinally_WhenCaseDiffers() =>
        Assert.Null(_sut.Verify("Alice", "s3cret"));

    [Fact]
    public void Verify_StillRejectsAWrongPassword_WhenTheRightOneWasJustAccepted()
    {
        Assert.NotNull(_sut.Verify("alice", "s3cret"));

        Assert.Null(_sut.Verify("alice", "s3cret2"));
        Assert.NotNull(_sut.Verify("alice", "s3cret"));
    }

    [Fact]
    public void Verify_AcceptsTheRightPassword_WhenTheCachedCheckHasExpired()
    {
        Assert.NotNull(_sut.Verify("alice", "s3cret"));
        _time.Advance(CredentialVerifier.CacheDuration + TimeSpan.FromSeconds(1));

        Assert.NotNull(_sut.Verify("alice", "s3cret"));
        Assert.Null(_sut.Verify("alice", "other"));
    }
}
