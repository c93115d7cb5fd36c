using Microsoft.Extensions.Options;
using RedshiftDataEmulator.Protocol.Operations;

namespace RedshiftDataEmulator;

/// <summary>Checks the <c>Emulator:*</c> settings that data annotations cannot, reporting every problem at once.</summary>
internal sealed class EmulatorOptionsValidator : IValidateOptions<EmulatorOptions>
{
    public ValidateOptionsResult Validate(string? name, EmulatorOptions options)
    {
        var problems = new List<string>();
        if (string.IsNullOrEmpty(options.AccessKeyId) != string.IsNullOrEmpty(options.SecretAccessKey))
        {
            problems.Add("Emulator:AccessKeyId and Emulator:SecretAccessKey must be set together (both turn signature checking on) or not at all.");
        }

        foreach (var (operation, quota) in options.Quotas.OrderBy(q => q.Key, StringComparer.Ordinal))
        {
            if (!DataApiOperations.Names.Contains(operation, StringComparer.Ordinal))
            {
                problems.Add($"Emulator:Quotas:{operation}: '{operation}' is not an operation of the emulator; expected one of {string.Join(", ", DataApiOperations.Names)}.");
            }

            if (quota < 0)
            {
                problems.Add($"Emulator:Quotas:{operation}: {quota} is negative; expected calls per second >= 0 (0 = not limited).");
            }
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
