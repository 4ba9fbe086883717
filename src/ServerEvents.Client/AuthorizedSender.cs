using System.Net.Http.Headers;

namespace ServerEvents.Client;

/// <summary>
/// Sends the client's requests, each with the token of <see cref="ServerEventsClientOptions.AccessTokenProvider"/>
/// (when one is set) as <c>Authorization: Bearer</c>. The provider is asked for every request, so a token it
/// refreshes reaches the next reconnect and the next heartbeat without the client knowing about expiry.
/// </summary>
internal sealed class AuthorizedSender(HttpClient http, Func<CancellationToken, ValueTask<string?>>? accessTokenProvider)
{
    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        if (accessTokenProvider is not null
            && await accessTokenProvider(cancellationToken).ConfigureAwait(false) is { Length: > 0 } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await http.SendAsync(request, completion, cancellationToken).ConfigureAwait(false);
    }

    public async Task<HttpResponseMessage> PostAsync(Uri uri, HttpContent? content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = content };
        return await SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
    }
}
