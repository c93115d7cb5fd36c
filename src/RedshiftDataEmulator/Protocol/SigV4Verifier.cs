using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace RedshiftDataEmulator.Protocol;

/// <summary>
/// Recomputes an AWS Signature Version 4 over the request (canonical request of the signed headers and the
/// payload hash) and compares it with the one sent, answering as AWS does when it does not match.
/// </summary>
internal static class SigV4Verifier
{
    private const string Algorithm = "AWS4-HMAC-SHA256";

    /// <summary>Both checks; for bodies already in memory.</summary>
    public static void Verify(HttpRequest request, byte[] body, EmulatorOptions options, DateTimeOffset now) =>
        VerifySignature(CheckHeaders(request, options, now), request, body, options);

    /// <summary>
    /// Everything the headers alone decide (a signature is there, its key is ours, its date is fresh), so that an
    /// unsigned or foreign request is refused before its body is read.
    /// </summary>
    public static SigV4Authorization CheckHeaders(HttpRequest request, EmulatorOptions options, DateTimeOffset now)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(authorization))
        {
            throw new ApiException(400, "MissingAuthenticationTokenException", "Missing Authentication Token");
        }

        if (!authorization.StartsWith(Algorithm + " ", StringComparison.Ordinal))
        {
            throw new ApiException(400, "IncompleteSignatureException",
                $"Authorization header requires the '{Algorithm}' algorithm. Authorization={authorization}");
        }

        string? credential = null, signedHeaders = null, signature = null;
        foreach (var part in authorization[(Algorithm.Length + 1)..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                continue;
            }

            var name = part[..eq];
            var value = part[(eq + 1)..];
            switch (name)
            {
                case "Credential": credential = value; break;
                case "SignedHeaders": signedHeaders = value; break;
                case "Signature": signature = value; break;
            }
        }

        if (credential is null || signedHeaders is null || signature is null)
        {
            throw new ApiException(400, "IncompleteSignatureException",
                "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters. Authorization=" + authorization);
        }

        var scope = credential.Split('/');
        if (scope.Length != 5 || scope[4] != "aws4_request")
        {
            throw new ApiException(400, "IncompleteSignatureException", $"Credential should be scoped to a valid region. Credential={credential}");
        }

        if (!string.Equals(scope[0], options.AccessKeyId, StringComparison.Ordinal))
        {
            throw new ApiException(403, "UnrecognizedClientException", "The security token included in the request is invalid.");
        }

        var amzDate = request.Headers["X-Amz-Date"].ToString();
        if (!DateTimeOffset.TryParseExact(amzDate, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var signedAt))
        {
            throw new ApiException(400, "IncompleteSignatureException", "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
        }

        if ((now - signedAt).Duration() > options.MaxClockSkew)
        {
            throw new ApiException(403, "InvalidSignatureException",
                $"Signature expired: {amzDate} is now earlier than {now.Add(-options.MaxClockSkew):yyyyMMdd'T'HHmmss'Z'} ({now:yyyyMMdd'T'HHmmss'Z'} - {options.MaxClockSkew.TotalMinutes:0} min.)");
        }

        if (scope[1] != amzDate[..8])
        {
            throw new ApiException(403, "InvalidSignatureException", $"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{scope[1]}' != '{amzDate[..8]}', from '{amzDate}'.");
        }

        return new SigV4Authorization(scope, signedHeaders, signature, amzDate);
    }

    /// <summary>Recomputes the signature over the request and its body; a mismatch is InvalidSignatureException (403).</summary>
    public static void VerifySignature(SigV4Authorization authorization, HttpRequest request, byte[] body, EmulatorOptions options)
    {
        var (scope, signedHeaders, signature, amzDate) = authorization;
        var payloadHash = Convert.ToHexStringLower(SHA256.HashData(body));
        // The canonical request carries the hash of the body as received, so a changed body fails the signature (403).
        var canonical = new StringBuilder();
        canonical.Append(request.Method).Append('\n');
        canonical.Append(CanonicalPath(request.Path.HasValue ? request.Path.Value! : "/")).Append('\n');
        canonical.Append(CanonicalQuery(request.QueryString.HasValue ? request.QueryString.Value![1..] : "")).Append('\n');
        foreach (var name in signedHeaders.Split(';'))
        {
            var values = name == "host" ? [request.Host.Value ?? ""] : request.Headers[name].ToArray();
            canonical.Append(name).Append(':')
                .Append(string.Join(',', values.Select(v => CollapseSpaces((v ?? "").Trim()))))
                .Append('\n');
        }

        canonical.Append('\n').Append(signedHeaders).Append('\n').Append(payloadHash);

        var credentialScope = string.Join('/', scope[1..]);
        var stringToSign = $"{Algorithm}\n{amzDate}\n{credentialScope}\n{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())))}";
        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + options.SecretAccessKey), scope[1]);
        key = Hmac(key, scope[2]);
        key = Hmac(key, scope[3]);
        key = Hmac(key, "aws4_request");
        var expected = Convert.ToHexStringLower(Hmac(key, stringToSign));
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature)))
        {
            throw new ApiException(403, "InvalidSignatureException",
                "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.");
        }
    }

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    private static string CollapseSpaces(string value)
    {
        var builder = new StringBuilder(value.Length);
        var previousSpace = false;
        foreach (var c in value)
        {
            if (c == ' ')
            {
                if (!previousSpace)
                {
                    builder.Append(c);
                }

                previousSpace = true;
            }
            else
            {
                builder.Append(c);
                previousSpace = false;
            }
        }

        return builder.ToString();
    }

    private static string CanonicalPath(string path) =>
        string.Join('/', path.Split('/').Select(segment => Uri.EscapeDataString(Uri.UnescapeDataString(segment))));

    private static string CanonicalQuery(string query)
    {
        if (query.Length == 0)
        {
            return "";
        }

        return string.Join('&', query.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair =>
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                var name = eq < 0 ? pair : pair[..eq];
                var value = eq < 0 ? "" : pair[(eq + 1)..];
                return (Name: Uri.EscapeDataString(Uri.UnescapeDataString(name)), Value: Uri.EscapeDataString(Uri.UnescapeDataString(value)));
            })
            .OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => p.Name + "=" + p.Value));
    }
}
