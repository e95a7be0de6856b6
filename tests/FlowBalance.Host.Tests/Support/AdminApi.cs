using System.Text.Json;

namespace FlowBalance.Host.Tests.Support;

/// <summary>Reading the admin API as a client does: list endpoints' items, and the next item of a live stream.</summary>
public static class AdminApi
{
    /// <summary>The admin token every balancer a test starts has (<c>FLOWBALANCE_ADMIN_TOKEN</c>, set by <see cref="BalancerProcess"/>).</summary>
    public const string Token = "fbt_test-admin-token-0123456789abcdef";

    /// <summary>Who the admin plane says a caller with <see cref="Token"/> is (the actor of its audit entries and revisions).</summary>
    public const string Subject = "token:environment";

    /// <summary>A GET with the admin token (the client itself sends none, so proxied requests never carry it).</summary>
    public static Task<HttpResponseMessage> GetAsync(HttpClient client, string path, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token);
        return client.SendAsync(request, completion);
    }

    /// <summary>A PUT, POST or other request with the admin token, a text/plain body (when given) and <c>If-Match</c> (when given).</summary>
    public static Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, string? text = null, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token);
        if (text is not null) request.Content = new StringContent(text, System.Text.Encoding.UTF8, "text/plain");
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> PutAsync(HttpClient client, string path, string text, string? ifMatch = null) =>
        SendAsync(client, HttpMethod.Put, path, text, ifMatch);

    public static Task<HttpResponseMessage> PostAsync(HttpClient client, string path, string? text = null, string? ifMatch = null) =>
        SendAsync(client, HttpMethod.Post, path, text, ifMatch);

    /// <summary>The body of a response as JSON (any status: problem+json bodies too).</summary>
    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    /// <summary>A request with the admin token, an application/json body and <c>If-Match</c> (when given).</summary>
    public static Task<HttpResponseMessage> SendJsonAsync(HttpClient client, HttpMethod method, string path, string json, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token);
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return client.SendAsync(request);
    }

    /// <summary>A PATCH of a JSON body with the admin token.</summary>
    public static Task<HttpResponseMessage> PatchAsync(HttpClient client, string path, string json)
    {
        var request = new HttpRequestMessage(HttpMethod.Patch, path) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token);
        return client.SendAsync(request);
    }

    /// <summary>A DELETE with the admin token.</summary>
    public static Task<HttpResponseMessage> DeleteAsync(HttpClient client, string path) => SendAsync(client, HttpMethod.Delete, path);

    /// <summary>The JSON object a GET answers (throws with the body on a non-2xx status).</summary>
    public static async Task<JsonElement> GetJsonAsync(HttpClient client, string path) =>
        JsonDocument.Parse(await GetStringAsync(client, path)).RootElement.Clone();

    public static async Task<string> GetStringAsync(HttpClient client, string path)
    {
        using var response = await GetAsync(client, path);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new HttpRequestException($"GET {path}: {(int)response.StatusCode} {body}");
        return body;
    }

    public static async Task<List<JsonElement>> Items(HttpClient client, string path)
    {
        using var document = JsonDocument.Parse(await GetStringAsync(client, path));
        return [.. document.RootElement.GetProperty("items").EnumerateArray().Select(e => e.Clone())];
    }

    /// <summary>Opens a server-sent-events stream (after its ": connected" line) for <see cref="NextAsync"/>.</summary>
    public static async Task<(HttpResponseMessage Response, StreamReader Reader)> OpenStreamAsync(HttpClient client, string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/event-stream");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token);
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
