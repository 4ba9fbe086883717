using Microsoft.AspNetCore.Http.HttpResults;

namespace ServerEvents.Api.Auth;

/// <summary>
/// The one check for every return URL the site accepts (sign-in, sign-out, the OAuth challenge and its callback):
/// the framework's own local-URL rule, which also turns away <c>//host</c>, <c>/\host</c> and paths carrying
/// control characters such as a tab (<c>/%09/host</c>, which browsers read as <c>//host</c>) or CR/LF.
/// </summary>
internal static class ReturnUrl
{
    /// <summary>The URL when it is local to this site, otherwise <c>/</c>.</summary>
    public static string LocalOrRoot(string? url) => RedirectHttpResult.IsLocalUrl(url) ? url! : "/";
}
