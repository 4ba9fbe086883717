namespace ServerEvents.Api.Auth;

/// <summary>Sign-in settings, bound from the <c>Auth</c> configuration section.</summary>
public sealed class SignInOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Auth";

    /// <summary>
    /// When set, the display-name sign-in also asks for this shared password. It proves that the visitor was told
    /// the password, not who they are: it admits guests, and a guest is never an administrator.
    /// </summary>
    public string? Password { get; set; }

    /// <summary>
    /// The GitHub accounts that get the administrator role: <c>github:&lt;numeric id&gt;</c> (stable; preferred) or
    /// a GitHub login (case-insensitive; a login can be renamed and later taken by someone else). Only an identity
    /// GitHub proved is matched; the logins listed here are also names no guest may take.
    /// </summary>
    public List<string> Administrators { get; set; } = [];

    /// <summary>
    /// How long a guest's name stays claimed on the node that signed them in before their stream shows it to the
    /// cluster. Default one minute.
    /// </summary>
    public TimeSpan GuestNameHold { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>GitHub OAuth; on when both the client id and the secret are set.</summary>
    public GitHubOptions GitHub { get; set; } = new();
}

/// <summary>GitHub OAuth settings. The endpoints can be pointed elsewhere (tests use a stand-in server).</summary>
public sealed class GitHubOptions
{
    /// <summary>The OAuth app's client id.</summary>
    public string? ClientId { get; set; }

    /// <summary>The OAuth app's client secret.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>The authorization endpoint.</summary>
    public string AuthorizationEndpoint { get; set; } = "https://github.com/login/oauth/authorize";

    /// <summary>The token endpoint.</summary>
    public string TokenEndpoint { get; set; } = "https://github.com/login/oauth/access_token";

    /// <summary>The user information endpoint.</summary>
    public string UserInformationEndpoint { get; set; } = "https://api.github.com/user";

    /// <summary>Whether GitHub sign-in is configured.</summary>
    public bool IsEnabled => !string.IsNullOrEmpty(ClientId) && !string.IsNullOrEmpty(ClientSecret);
}
