using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FlowBalance.Host.Tests.Support;

/// <summary>
/// A backend speaking raw bytes on 127.0.0.1, for what Kestrel would never send: it reads each
/// request head and answers with what <see cref="Respond"/> returns (a canned byte response), or
/// resets the connection, or never answers. It records every request head it received, and how many
/// non-probe requests are held open at once.
/// </summary>
public sealed class RawBackend : IDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<string> _heads = [];
    private readonly List<Socket> _open = [];
    private int _held;
    private int _maxHeld;

    /// <param name="respond">Given the request head (Latin-1 text), the bytes to answer with; null = never answer.</param>
    public RawBackend(Func<string, byte[]?> respond, int port = 0)
    {
        Respond = respond;
        _listener = new TcpListener(IPAddress.Loopback, port);
        _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Start();
        _ = AcceptLoop();
    }

    /// <summary>What to answer; may be changed while running.</summary>
    public Func<string, byte[]?> Respond { get; set; }

    /// <summary>Reset the connection (RST) once the request head is read, instead of answering.</summary>
    public bool ResetAfterHead { get; set; }

    /// <summary>Close the connection (FIN) after each answer, as a server does after a protocol error.</summary>
    public bool CloseAfterAnswer { get; set; }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public string Url => $"http://127.0.0.1:{Port}";

    /// <summary>Request heads received (health probes included), in order.</summary>
    public IReadOnlyList<string> Heads
    {
        get { lock (_heads) return [.. _heads]; }
    }

    /// <summary>Requests other than health probes.</summary>
    public int Requests => Heads.Count(h => !IsProbe(h));

    /// <summary>The most non-probe requests that were waiting for an answer at the same time.</summary>
    public int MaxHeld => Volatile.Read(ref _maxHeld);

    public static byte[] Bytes(string response) => Encoding.Latin1.GetBytes(response.ReplaceLineEndings("\r\n"));

    public static bool IsProbe(string head) => head.Contains("FlowBalance-HealthCheck", StringComparison.Ordinal);

    private async Task AcceptLoop()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                lock (_open) _open.Add(socket);
                _ = Serve(socket);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // stopped
        }
    }

    private async Task Serve(Socket socket)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var head = await ReadHead(socket, buffer);
                if (head is null) return;
                lock (_heads) _heads.Add(head);
                if (ResetAfterHead)
                {
                    socket.LingerState = new LingerOption(true, 0);
                    return;
                }
                var answer = Respond(head);
                if (answer is null)
                {
                    if (!IsProbe(head)) Hold();
                    await Task.Delay(Timeout.Infinite, _stop.Token); // hung: reads nothing, answers nothing
                    return;
                }
                await socket.SendAsync(answer, SocketFlags.None);
                if (CloseAfterAnswer)
                {
                    socket.Shutdown(SocketShutdown.Send);
                    return;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // the peer or the test ended it
        }
        finally
        {
            socket.Dispose();
        }
    }

    private void Hold()
    {
        var held = Interlocked.Increment(ref _held);
        int max;
        while (held > (max = Volatile.Read(ref _maxHeld)) && Interlocked.CompareExchange(ref _maxHeld, held, max) != max) { }
    }

    /// <summary>Reads up to the blank line that ends a request head, plus a Content-Length body if any; null when the peer closed.</summary>
    private static async Task<string?> ReadHead(Socket socket, byte[] buffer)
    {
        var filled = 0;
        while (true)
        {
            var text = Encoding.Latin1.GetString(buffer, 0, filled);
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end >= 0)
            {
                var head = text[..end];
                var length = head.Split("\r\n").Select(l => l.Split(':', 2)).Where(p => p.Length == 2 && p[0].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                    .Select(p => int.Parse(p[1].Trim())).FirstOrDefault();
                while (filled < end + 4 + length)
                {
                    var more = await socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None);
                    if (more == 0) return null;
                    filled += more;
                }
                return head;
            }
            if (filled == buffer.Length) return null;
            var read = await socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None);
            if (read == 0) return null;
            filled += read;
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        lock (_open)
        {
            foreach (var socket in _open) socket.Dispose();
        }
    }
}
