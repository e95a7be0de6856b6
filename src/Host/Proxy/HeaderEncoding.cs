using System.Text;

namespace FlowBalance.Host.Proxy;

/// <summary>
/// Header values as bytes: Kestrel decodes every header as Latin-1 (one char per byte, any byte
/// accepted) and the backend client encodes them as Latin-1 again, so a UTF-8 cookie, a Latin-1
/// filename or any other non-ASCII value reaches the other side byte for byte, in both directions.
/// ASCII-only HttpClient defaults refuse such headers, which made one browser cookie look like a
/// dead backend. Plugins see such values as Latin-1 text (the bytes, not a UTF-8 decoding).
/// </summary>
public static class HeaderEncoding
{
    public static Encoding? Select(string headerName, HttpRequestMessage? request) => Encoding.Latin1;

    public static Encoding? ForKestrel(string headerName) => Encoding.Latin1;

    /// <summary>Request headers: Latin-1, except <c>Content-Length</c>, whose value must be digits only (<see cref="ContentLengthEncoding"/>).</summary>
    public static Encoding? ForKestrelRequest(string headerName) =>
        headerName.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) ? ContentLengthEncoding.Instance : Encoding.Latin1;
}
