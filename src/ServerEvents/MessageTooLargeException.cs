namespace ServerEvents;

/// <summary>Thrown when a serialised message is larger than <see cref="Hosting.ServerEventsOptions.MaxMessageSize"/>.</summary>
public sealed class MessageTooLargeException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public MessageTooLargeException(int size, int limit)
        : base($"The message is {size} bytes; the limit is {limit} bytes.")
    {
        Size = size;
        Limit = limit;
    }

    /// <summary>The serialised size in bytes.</summary>
    public int Size { get; }

    /// <summary>The limit in bytes.</summary>
    public int Limit { get; }
}
