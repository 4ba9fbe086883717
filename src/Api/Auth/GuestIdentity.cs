using System.Buffers.Text;
using System.Security.Cryptography;

namespace ServerEvents.Api.Auth;

/// <summary>
/// The user ids of display-name sign-ins: <c>guest:</c> and 16 random bytes, URL-safe. A guest's display name is a
/// label only; two sign-ins never share an id, whatever names they chose.
/// </summary>
internal static class GuestIdentity
{
    /// <summary>The prefix of every guest user id.</summary>
    public const string Prefix = "guest:";

    /// <summary>A user id no other sign-in has.</summary>
    public static string NewUserId() => Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));

    /// <summary>Whether the user id is a guest's.</summary>
    public static bool IsGuest(string? userId) => userId?.StartsWith(Prefix, StringComparison.Ordinal) == true;
}
