namespace FlowBalance.Host.Tests.Support;

internal static class StreamExtensions
{
    /// <summary>Hides the length so HttpClient streams the body chunked, as a client upload of unknown size.</summary>
    public static Stream AsUnbuffered(this Stream stream) => new BufferedStream(stream, 16 * 1024);
}
