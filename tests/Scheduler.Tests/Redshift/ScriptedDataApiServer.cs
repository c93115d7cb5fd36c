using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Scheduler.Tests.Redshift;

/// <summary>A Data API stand-in on 127.0.0.1 that answers each request with the next scripted response and records what it got.</summary>
internal sealed class ScriptedDataApiServer : IDisposable
{
    private readonly HttpListener _listener;
    private readonly ConcurrentQueue<ScriptedResponse> _script = new();
    private readonly ConcurrentQueue<ReceivedRequest> _requests = new();
    private readonly Task _loop;

    public ScriptedDataApiServer()
    {
        for (var tries = 0; ; tries++)
        {
            var port = FreePort();
            _listener = new HttpListener();
            _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                _listener.Start();
                Url = new Uri($"http://127.0.0.1:{port}/");
                break;
            }
            catch (HttpListenerException) when (tries < 5)
            {
                _listener.Close();
            }
        }

        _loop = Task.Run(LoopAsync);
    }

    public Uri Url { get; }

    public IReadOnlyList<ReceivedRequest> Requests => [.. _requests];

    public ScriptedDataApiServer Respond(int status, string body, params (string Name, string Value)[] headers)
    {
        _script.Enqueue(new ScriptedResponse(status, body, headers, TimeSpan.Zero));
        return this;
    }

    /// <summary>Answers only after <paramref name="delay"/> (other requests are served meanwhile).</summary>
    public ScriptedDataApiServer RespondSlowly(TimeSpan delay, int status, string body)
    {
        _script.Enqueue(new ScriptedResponse(status, body, [], delay));
        return this;
    }

    public ScriptedDataApiServer RespondError(int status, string type, string message = "scripted") =>
        Respond(status, $$"""{"__type":"com.amazonaws.redshiftdata#{{type}}","message":"{{message}}"}""", ("x-amzn-RequestId", "req-" + type));

    public void Dispose()
    {
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // the loop ends with the listener
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            var next = _script.TryDequeue(out var scripted) ? scripted : new ScriptedResponse(500, """{"__type":"InternalServerException","message":"script exhausted"}""", [], TimeSpan.Zero);
            _ = Task.Run(() => AnswerAsync(context, next));
        }
    }

    private async Task AnswerAsync(HttpListenerContext context, ScriptedResponse next)
    {
        try
        {
            using var reader = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(reader);
            var headers = context.Request.Headers.AllKeys.Where(k => k is not null)
                .ToDictionary(k => k!, k => context.Request.Headers[k]!, StringComparer.OrdinalIgnoreCase);
            _requests.Enqueue(new ReceivedRequest(context.Request.HttpMethod, context.Request.RawUrl ?? "", headers, reader.ToArray()));

            if (next.Delay > TimeSpan.Zero)
            {
                await Task.Delay(next.Delay);
            }

            context.Response.StatusCode = next.Status;
            context.Response.ContentType = "application/x-amz-json-1.1";
            foreach (var (name, value) in next.Headers)
            {
                context.Response.Headers[name] = value;
            }

            var bytes = Encoding.UTF8.GetBytes(next.Body);
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
        {
            // the client gave up (timeout) or the server is closing
        }
    }

    private sealed record ScriptedResponse(int Status, string Body, (string Name, string Value)[] Headers, TimeSpan Delay);
}

/// <summary>One request as the server received it.</summary>
internal sealed record ReceivedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string BodyText => Encoding.UTF8.GetString(Body);
}
