using System;
using System.Collections.Concurrent;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace NormLab.Runtime.Tests.Data;

/// <summary>
/// A minimal HTTP/1.1 server on 127.0.0.1 and a free port, for the downloader tests: serves the files in
/// <see cref="Files"/> (404 otherwise), one request per connection. A file can be set to be cut off after a
/// number of bytes (the connection closes while the Content-Length promised more).
/// </summary>
internal sealed class LocalHttpServer : IDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;

    public LocalHttpServer()
    {
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        loop = Task.Run(AcceptLoop);
    }

    public int Port { get; }

    public Uri BaseUri => new($"http://127.0.0.1:{Port}/data/");

    /// <summary>Path (e.g. <c>/data/x.gz</c>) → content.</summary>
    public ConcurrentDictionary<string, byte[]> Files { get; } = new();

    /// <summary>Path → number of bytes sent before the connection is dropped.</summary>
    public ConcurrentDictionary<string, int> CutAfter { get; } = new();

    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>A port on 127.0.0.1 where nothing listens (bound, read, released).</summary>
    public static int ClosedPort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    private async Task AcceptLoop()
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stop.Token);
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                return;
            }
            _ = Task.Run(() => Serve(client));
        }
    }

    private async Task Serve(TcpClient client)
    {
        using (client)
        {
            try
            {
                NetworkStream stream = client.GetStream();
                string? requestLine = await ReadHeadAsync(stream);
                if (requestLine is null)
                    return;
                string path = requestLine.Split(' ') is { Length: >= 2 } parts ? parts[1] : "/";
                Requests.Enqueue(path);
                if (!Files.TryGetValue(path, out byte[]? body))
                {
                    byte[] message = Encoding.ASCII.GetBytes("not here");
                    await WriteAsync(stream, $"HTTP/1.1 404 Not Found\r\nContent-Length: {message.Length}\r\nConnection: close\r\n\r\n", message);
                    return;
                }
                int send = CutAfter.TryGetValue(path, out int cut) ? Math.Min(cut, body.Length) : body.Length;
                await WriteAsync(stream, $"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n",
                    body.AsSpan(0, send).ToArray());
                if (send < body.Length)
                    client.Client.LingerState = new LingerOption(true, 0); // reset rather than close cleanly
            }
            catch (IOException)
            {
            }
            catch (SocketException)
            {
            }
        }
    }

    private static async Task<string?> ReadHeadAsync(NetworkStream stream)
    {
        var head = new StringBuilder();
        byte[] one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await stream.ReadAsync(one) == 0)
                return null;
            head.Append((char)one[0]);
            if (head.Length > 16 * 1024)
                return null;
        }
        return head.ToString().Split("\r\n")[0];
    }

    private static async Task WriteAsync(NetworkStream stream, string head, byte[] body)
    {
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        await stream.WriteAsync(body);
        await stream.FlushAsync();
    }

    public void Dispose()
    {
        stop.Cancel();
        listener.Stop();
        try
        {
            loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
        stop.Dispose();
    }
}
