using System.Text.Json;

namespace FlowBalance.Host.Tests.Support;

/// <summary>Reading the admin API as a client does: list endpoints' items, and the next item of a live stream.</summary>
public static class AdminApi
{
    public static async Task<List<JsonElement>> Items(HttpClient client, string path)
    {
        using var document = JsonDocument.Parse(await client.GetStringAsync(path));
        return [.. document.RootElement.GetProperty("items").EnumerateArray().Select(e => e.Clone())];
    }

    /// <summary>Opens a server-sent-events stream (after its ": connected" line) for <see cref="NextAsync"/>.</summary>
    public static async Task<(HttpResponseMessage Response, StreamReader Reader)> OpenStreamAsync(HttpClient client, string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/event-stream");
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        if (await reader.ReadLineAsync() != ": connected") throw new InvalidOperationException($"{path} is not an event stream");
        return (response, reader);
    }

    /// <summary>The next <c>data:</c> item of the stream, within <paramref name="within"/>.</summary>
    public static async Task<JsonElement> NextAsync(StreamReader reader, TimeSpan within)
    {
        using var deadline = new CancellationTokenSource(within);
        string? line;
        do line = await reader.ReadLineAsync(deadline.Token);
        while (line is not null && !line.StartsWith("data: ", StringComparison.Ordinal));
        if (line is null) throw new InvalidOperationException("the stream ended");
        return JsonDocument.Parse(line["data: ".Length..]).RootElement.Clone();
    }
}
