namespace ServerEvents.Api.Auth;

/// <summary>Sign-in settings, bound from the <c>Auth</c> configuration section.</summary>
public sealed class SignInOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Auth";

    /// <summary>When set, the display-name sign-in also asks for this password.</summary>
    public string? Password { get; set; }

    /// <summary>User names (case-insensitive) that get the administrator role.</summary>
    public List<string> Administrators { get; set; } = [];

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
