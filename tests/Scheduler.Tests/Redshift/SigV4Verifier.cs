using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Scheduler.Tests.Redshift;

/// <summary>An independent SigV4 recomputation (no AWSSDK code) for checking what our client sent.</summary>
internal static partial class SigV4Verifier
{
    [GeneratedRegex(@"^AWS4-HMAC-SHA256 Credential=(?<key>[^/]+)/(?<date>\d{8})/(?<region>[^/]+)/(?<service>[^/]+)/aws4_request, SignedHeaders=(?<signed>[^,]+), Signature=(?<sig>[0-9a-f]{64})$")]
    private static partial Regex AuthorizationPattern();

    /// <summary>Returns the signature we compute for the request, and the one it carried.</summary>
    public static (string Expected, string Actual, string Scope) Recompute(ReceivedRequest request, string secretKey)
    {
        var match = AuthorizationPattern().Match(request.Headers["Authorization"]);
        Assert.True(match.Success, $"Authorization header not in SigV4 form: {request.Headers["Authorization"]}");
        var amzDate = request.Headers["X-Amz-Date"];
        var signedHeaders = match.Groups["signed"].Value;

        var canonicalHeaders = new StringBuilder();
        foreach (var name in signedHeaders.Split(';'))
        {
            var value = request.Headers[name];
            canonicalHeaders.Append(name).Append(':').Append(Regex.Replace(value.Trim(), @"\s+", " ")).Append('\n');
        }

        var canonicalRequest = string.Join('\n', request.Method, "/", "", canonicalHeaders.ToString(), signedHeaders, Hex(SHA256.HashData(request.Body)));
        var scope = $"{match.Groups["date"].Value}/{match.Groups["region"].Value}/{match.Groups["service"].Value}/aws4_request";
        var stringToSign = string.Join('\n', "AWS4-HMAC-SHA256", amzDate, scope, Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest))));

        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + secretKey), match.Groups["date"].Value);
        key = Hmac(key, match.Groups["region"].Value);
        key = Hmac(key, match.Groups["service"].Value);
        key = Hmac(key, "aws4_request");
        return (Hex(Hmac(key, stringToSign)), match.Groups["sig"].Value, scope);
    }

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
