using System.Net;
using System.Net.Sockets;

namespace FlowBalance.Host.Tests.Support;

/// <summary>
/// A crashed backend on a known port: accepts each connection and resets it at once, counting
/// them, so a test can see how many requests the balancer still sent after the backend died.
/// </summary>
public sealed class Tarpit : IDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private int _connections;

    public Tarpit(int port)
    {
        _listener = new TcpListener(IPAddress.Loopback, port);
        _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Start();
        _ = AcceptLoop();
    }

    public int Connections => Volatile.Read(ref _connections);

    private async Task AcceptLoop()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                Interlocked.Increment(ref _connections);
                socket.LingerState = new LingerOption(true, 0); // close with RST: the request fails before any response
                socket.Close();
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // stopped
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
    }
}
