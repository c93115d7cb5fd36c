using Scheduler.Security;

namespace Scheduler.Cli;

/// <summary>
/// <c>hash-password</c>: reads a password from standard input (one line; a terminal does not echo it) and prints a
/// hash for <c>Security:Users:&lt;user&gt;:PasswordHash</c>.
/// </summary>
internal static class HashPasswordCommand
{
    public static async Task<int> RunAsync(CliContext context)
    {
        if (context.Args.Length != 0)
        {
            await context.Error.WriteLineAsync("Usage: hash-password   (the password is read from standard input)").ConfigureAwait(false);
            return CommandLine.ExitInvalid;
        }

        var fromTerminal = ReferenceEquals(context.In, Console.In) && !Console.IsInputRedirected;
        string? password;
        if (fromTerminal)
        {
            await context.Error.WriteAsync("Password: ").ConfigureAwait(false);
            password = ReadWithoutEcho();
            await context.Error.WriteLineAsync().ConfigureAwait(false);
        }
        else
        {
            password = await context.In.ReadLineAsync(context.CancellationToken).ConfigureAwait(false);
        }

        if (string.IsNullOrEmpty(password))
        {
            await context.Error.WriteLineAsync("hash-password: no password on standard input (an empty password is not allowed).").ConfigureAwait(false);
            return CommandLine.ExitInvalid;
        }

        await context.Out.WriteLineAsync(PasswordHash.Create(password).ToString()).ConfigureAwait(false);
        return 0;
    }

    private static string ReadWithoutEcho()
    {
        var buffer = new System.Text.StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                return buffer.ToString();
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                if (buffer.Length > 0)
                {
                    buffer.Length--;
                }
            }
            else if (!char.IsControl(key.KeyChar))
            {
                buffer.Append(key.KeyChar);
            }
        }
    }
}
