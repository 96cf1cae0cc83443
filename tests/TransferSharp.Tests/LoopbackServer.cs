using System.Net;
using System.Net.Sockets;

namespace TransferSharp.Tests;

/// <summary>Serves the given files at http://127.0.0.1:PORT/ until disposed; counts the requests.</summary>
internal sealed class LoopbackServer : IDisposable
{
    private readonly HttpListener listener = new();
    private readonly Task loop;
    public int Requests;
    public string Url { get; }

    public LoopbackServer(IReadOnlyDictionary<string, byte[]> files)
    {
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Url = $"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}/";
            probe.Stop();
        }
        listener.Prefixes.Add(Url);
        listener.Start();
        loop = Task.Run(async () =>
        {
            while (listener.IsListening)
            {
                HttpListenerContext context;
                try { context = await listener.GetContextAsync(); }
                catch (Exception) { return; }
                Interlocked.Increment(ref Requests);
                var name = context.Request.Url!.AbsolutePath.TrimStart('/');
                if (files.TryGetValue(name, out var body))
                {
                    context.Response.StatusCode = 200;
                    await context.Response.OutputStream.WriteAsync(body);
                }
                else context.Response.StatusCode = 404;
                context.Response.Close();
            }
        });
    }

    public void Dispose()
    {
        listener.Stop();
        listener.Close();
        loop.Wait(TimeSpan.FromSeconds(5));
    }
}
