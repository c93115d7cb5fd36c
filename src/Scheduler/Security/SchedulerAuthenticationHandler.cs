using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Scheduler.Security;

/// <summary>
/// HTTP Basic authentication against <c>Security:Users</c>. With no user configured, local requests (see
/// <see cref="LoopbackExposure.IsLocalRequest"/>) are authenticated as an Admin named
/// <see cref="SchedulerAuthentication.LoopbackUserName"/> and every other request is refused with 403 (there is nobody
/// it could log in as).
/// </summary>
/// <remarks>
/// Endpoints that allow anonymous access (the health checks) never look at credentials, so a storm of bad passwords
/// cannot slow them down. Otherwise: a recently verified password is served from the cache; a password check that
/// would exceed the address's or the user name's allowance (<see cref="LoginThrottle"/>) is answered 429 without
/// hashing; failures are logged through <see cref="LoginFailureLog"/>, and only there: the base class's own lines (two
/// at Information for every failed or throttled login) would let an anonymous storm flood the log past the summary's
/// bound, so it is given no logger.
/// </remarks>
internal sealed class SchedulerAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    UrlEncoder encoder,
    SchedulerUserDirectory users,
    CredentialVerifier verifier,
    LoginThrottle throttle,
    LoginFailureLog failures)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, NullLoggerFactory.Instance, encoder)
{
    private const string BasicPrefix = "Basic ";
    private static readonly object s_retryAfterKey = new();

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (users.IsEmpty)
        {
            return LoopbackExposure.IsLocalRequest(Request, out _)
                ? Success(SchedulerAuthentication.LoopbackUserName, SchedulerRole.Admin, "Loopback")
                : AuthenticateResult.NoResult();
        }

        if (Context.GetEndpoint()?.Metadata.GetMetadata<IAllowAnonymous>() is not null)
        {
            return AuthenticateResult.NoResult();
        }

        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header) || !header.StartsWith(BasicPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var remote = Context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (!TryDecode(header[BasicPrefix.Length..].Trim(), out var userName, out var password))
        {
            failures.Malformed(remote);
            return AuthenticateResult.Fail("The Basic credentials are not base64 of 'user:password'.");
        }

        if (verifier.TryGetCached(userName, password) is { } known)
        {
            return Success(known.Name, known.Role, "Basic");
        }

        if (!throttle.TryAcquire(remote, userName, out var retryAfter))
        {
            failures.Throttled(userName, remote);
            Context.Items[s_retryAfterKey] = retryAfter;
            return AuthenticateResult.Fail("Too many failed logins.");
        }

        var user = await verifier.VerifyAsync(userName, password, Context.RequestAborted).ConfigureAwait(false);
        if (user is null)
        {
            failures.Failed(userName, remote);
            return AuthenticateResult.Fail("Unknown user name or wrong password.");
        }

        return Success(user.Name, user.Role, "Basic");
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (users.IsEmpty)
        {
            await WriteProblemAsync(StatusCodes.Status403Forbidden, "Forbidden",
                "No user is configured (Security:Users), so only requests from the loopback interface are served.").ConfigureAwait(false);
            return;
        }

        if (Context.Items.TryGetValue(s_retryAfterKey, out var wait) && wait is TimeSpan retryAfter)
        {
            var seconds = ((long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            Response.Headers.RetryAfter = seconds;
            await WriteProblemAsync(StatusCodes.Status429TooManyRequests, "Too many failed logins",
                $"Too many failed logins from this address or for this user name; try again in {seconds} s.").ConfigureAwait(false);
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
