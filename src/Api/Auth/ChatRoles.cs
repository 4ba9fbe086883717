namespace ServerEvents.Api.Auth;

/// <summary>Role names used by the chat.</summary>
internal static class ChatRoles
{
    /// <summary>May clear channel history.</summary>
    public const string Administrator = "admin";
}
