namespace RedshiftDataEmulator.Protocol;

/// <summary>The parts of a request's SigV4 Authorization header that passed the header checks.</summary>
/// <param name="Scope">Credential scope: access key id, date, region, service, <c>aws4_request</c>.</param>
/// <param name="SignedHeaders">The SignedHeaders list, as sent.</param>
/// <param name="Signature">The hex signature, as sent.</param>
/// <param name="AmzDate">The X-Amz-Date header.</param>
internal sealed record SigV4Authorization(string[] Scope, string SignedHeaders, string Signature, string AmzDate);
