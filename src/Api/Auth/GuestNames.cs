using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace ServerEvents.Api.Auth;

/// <summary>
/// Decides whether a guest may take a display name. <c>@name</c> on the chat page picks a user by display name, so
/// two users showing the same name at once would make it ambiguous, and a guest showing an administrator's or a
/// GitHub user's name would impersonate them. A name is refused when it is
/// <list type="bullet">
/// <item>reserved: an entry of <c>Auth:Administrators</c>, the login or display name of a GitHub account that
/// signed in on this node, or an anonymous user's <c>user{n}</c>;</item>
/// <item>shown by a live subscription of another user anywhere in the cluster (the subscription directory);</item>
/// <item>claimed on this node by another guest within <see cref="SignInOptions.GuestNameHold"/> (the moments
/// between a sign-in and that user's first stream, and two sign-ins racing for one name).</item>
/// </list>
/// </summary>
internal sealed partial class GuestNames(IServerEvents serverEvents, IOptionsMonitor<SignInOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, byte> _gitHubNames = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, (string UserId, DateTimeOffset At)> _claims = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Reserves the login and display name of a GitHub account that has signed in, so no guest can show them afterwards.</summary>
    public void ReserveGitHubNames(string login, string displayName)
    {
        _gitHubNames.TryAdd(login, 0);
        _gitHubNames.TryAdd(displayName, 0);
    }

    /// <summary>Claims <paramref name="name"/> for <paramref name="userId"/>.</summary>
    /// <returns><see langword="null"/> when claimed, else why not (a message for the user).</returns>
    public async Task<string?> TryClaimAsync(string name, string userId, CancellationToken cancellationToken)
    {
        var current = options.CurrentValue;
        if (current.Administrators.Exists(entry => string.Equals(entry, name, StringComparison.OrdinalIgnoreCase))
            || _gitHubNames.ContainsKey(name)
            || AnonymousName().IsMatch(name))
        {
            return $"The name '{name}' is reserved; choose another.";
        }

        // Claim first, then look at live subscriptions: of two sign-ins racing for one name on this node, the
        // second sees the first's claim.
        var now = time.GetUtcNow();
        lock (_claims)
        {
            if (_claims.TryGetValue(name, out var claim) && claim.UserId != userId && now - claim.At < current.GuestNameHold)
            {
                return InUse(name);
            }

            _claims[name] = (userId, now);
            if (_claims.Count > 1024)
            {
                _claims.Where(c => now - c.Value.At >= current.GuestNameHold).Select(c => c.Key).ToList().ForEach(k => _claims.Remove(k));
            }
        }

        var live = await serverEvents.GetSubscriptionsDetailsAsync(null, cancellationToken);
        if (live.Any(s => s.UserId != userId
            && (string.Equals(s.DisplayName, name, StringComparison.OrdinalIgnoreCase) || string.Equals(s.UserName, name, StringComparison.OrdinalIgnoreCase))))
        {
            lock (_claims)
            {
                if (_claims.TryGetValue(name, out var claim) && claim.UserId == userId)
                {
                    _claims.Remove(name);
                }
            }

            return InUse(name);
        }

        return null;
    }

    private static string InUse(string name) => $"Someone is already using the name '{name}'; choose another.";

    [GeneratedRegex("^user[0-9]+$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AnonymousName();
}
