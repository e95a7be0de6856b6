using System.Text;

namespace FlowBalance.Host.Proxy;

/// <summary>
/// How Kestrel decodes a request's <c>Content-Length</c> (it asks <see cref="HeaderEncoding.ForKestrelRequest"/>
/// for the header's encoding, then parses the decoded text as a signed integer): digits stay digits,
/// every other byte becomes U+FFFD, so <c>+5</c> or <c>-0</c> fail Kestrel's parse and are answered 400 by
/// Kestrel itself, as nginx and HAProxy do, instead of being read as 5 and 0 and forwarded. RFC 9110
/// 8.6: <c>Content-Length = 1*DIGIT</c>. One table-free loop over a value of at most 19 bytes.
/// </summary>
public sealed class ContentLengthEncoding : Encoding
{
    public static readonly ContentLengthEncoding Instance = new();

    private const char NotADigit = '\uFFFD';

    private ContentLengthEncoding()
    {
    }

    public override int GetByteCount(char[] chars, int index, int count) => count;

    public override int GetBytes(char[] chars, int charIndex, int charCount, byte[] bytes, int byteIndex) =>
        Latin1.GetBytes(chars, charIndex, charCount, bytes, byteIndex);

    public override int GetCharCount(byte[] bytes, int index, int count) => count;

    public override int GetCharCount(ReadOnlySpan<byte> bytes) => bytes.Length;

    public override int GetChars(byte[] bytes, int byteIndex, int byteCount, char[] chars, int charIndex) =>
        GetChars(bytes.AsSpan(byteIndex, byteCount), chars.AsSpan(charIndex));

    public override int GetChars(ReadOnlySpan<byte> bytes, Span<char> chars)
    {
        if (chars.Length < bytes.Length) throw new ArgumentException("destination too small", nameof(chars));
        for (var i = 0; i < bytes.Length; i++)
        {
            var b = bytes[i];
            chars[i] = b is >= (byte)'0' and <= (byte)'9' ? (char)b : NotADigit;
        }
        return bytes.Length;
    }

    public override int GetMaxByteCount(int charCount) => charCount;

    public override int GetMaxCharCount(int byteCount) => byteCount;
}
