using System.Net;
using Scheduler.Redshift;
using Scheduler.Runs;
using Scheduler.Runs.Steps;

namespace Scheduler.Tests.Runs;

[Trait("Category", "Fast")]
public sealed class RunErrorsTests
{
    private const string Id = "8a4c7f1e-2b3d-4e5f-9a0b-1c2d3e4f5a6b";

    [Theory]
    [InlineData("ResourceNotFoundException", "Query does not exist.")]
    [InlineData("ValidationException", "Query " + Id + " has expired.")]
    [InlineData("ValidationException", "Statement not found.")]
    [InlineData("ValidationException", "1 validation error detected: Value 'x' at 'id' failed to satisfy constraint")]
    public void IsUnknownStatement_IsTrue_WhenTheServiceNoLongerKnowsTheId(string errorCode, string message) =>
        Assert.True(RunErrors.IsUnknownStatement(Describe(errorCode, message), Id));

    [Theory]
    [InlineData("ValidationException", "1 validation error detected: Value '45' at 'waitTimeSeconds' failed to satisfy constraint")]
    [InlineData("ThrottlingException", "Rate exceeded")]
    [InlineData("InternalServerException", "Statement not found.")]
    public void IsUnknownStatement_IsFalse_WhenTheErrorIsNotAboutTheId(string errorCode, string message) =>
        Assert.False(RunErrors.IsUnknownStatement(Describe(errorCode, message), Id));

    private static RedshiftDataException Describe(string errorCode, string message) =>
        new(errorCode, message, errorCode == "InternalServerException" ? HttpStatusCode.InternalServerError : HttpStatusCode.BadRequest, "req", "DescribeStatement");
}
