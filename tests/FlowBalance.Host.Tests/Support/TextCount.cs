namespace FlowBalance.Host.Tests.Support;

public static class TextCount
{
    /// <summary>How many times <paramref name="part"/> occurs in <paramref name="text"/> (e.g. a log line in the balancer's output).</summary>
    public static int Occurrences(this string text, string part) => (text.Length - text.Replace(part, "").Length) / part.Length;
}
