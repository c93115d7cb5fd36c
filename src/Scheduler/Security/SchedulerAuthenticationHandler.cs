using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Scheduler.Security;

/// <summary>
/// HTTP Basic authentication against <c>Security:Users</c>. With no user configured, loopback requests are
/// authenticated as an Admin named <see cref="SchedulerAuthentication.LoopbackUserName"/> and every other request is
/// refused with 403 (there is nobody it could log in as).
/// </summary>
internal sealed class SchedulerAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    SchedulerUserDirectory users,
    CredentialVerifier verifier)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    private const string BasicPrefix = "Basic ";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var remote = Context.Connection.RemoteIpAddress;
        if (users.IsEmpty)
        {
            return Task.FromResult(SchedulerAuthentication.IsLoopback(remote)
                ? Success(SchedulerAuthentication.LoopbackUserName, SchedulerRole.Admin, "Loopback")
                : AuthenticateResult.NoResult());
        }

        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header) || !header.StartsWith(BasicPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (!TryDecode(header[BasicPrefix.Length..].Trim(), out var userName, out var password))
        {
            Logger.MalformedCredentials(remote?.ToString() ?? "unknown");
            return Task.FromResult(AuthenticateResult.Fail("The Basic credentials are not base64 of 'user:password'."));
        }

        var user = verifier.Verify(userName, password);
        if (user is null)
        {
            Logger.LoginFailed(userName, remote?.ToString() ?? "unknown");
            return Task.FromResult(AuthenticateResult.Fail("Unknown user name or wrong password."));
        }

        return Task.FromResult(Success(user.Name, user.Role, "Basic"));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (users.IsEmpty)
        {
            await WriteProblemAsync(StatusCodes.Status403Forbidden, "Forbidden",
                "No user is configured (Security:Users), so only requests from the loopback interface are served.").ConfigureAwait(false);
            return;
        }

        Response.Headers.WWWAuthenticate = $"Basic realm=\"{SchedulerAuthentication.Realm}\", charset=\"UTF-8\"";
        await WriteProblemAsync(StatusCodes.Status401Unauthorized, "Unauthorized",
            "Send HTTP Basic credentials of a user configured under Security:Users.").ConfigureAwait(false);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        WriteProblemAsync(StatusCodes.Status403Forbidden, "Forbidden",
            $"User '{Context.User.Identity?.Name}' has the Viewer role; triggering and cancelling runs needs the Admin role.");

    private AuthenticateResult Success(string userName, SchedulerRole role, string authenticationType) =>
        AuthenticateResult.Success(new AuthenticationTicket(
            SchedulerAuthentication.CreatePrincipal(userName, role, authenticationType), Scheme.Name));

    private async Task WriteProblemAsync(int status, string title, string detail)
    {
        Response.StatusCode = status;
        var problems = Context.RequestServices.GetService<IProblemDetailsService>();
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail };
        if (problems is null || !await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = Context, ProblemDetails = problem }).ConfigureAwait(false))
        {
            await Response.WriteAsJsonAsync(problem, (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json").ConfigureAwait(false);
        }
    }

    private static bool TryDecode(string encoded, out string userName, out string password)
    {
        userName = password = string.Empty;
        var buffer = new byte[encoded.Length];
        if (!Convert.TryFromBase64String(encoded, buffer, out var written))
        {
            return false;
        }

        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer, 0, written);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return false;
        }

        userName = text[..colon];
        password = text[(colon + 1)..];
        return true;
    }
}
