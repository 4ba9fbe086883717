namespace ServerEvents.Postgres;

/// <summary>
/// Options of the PostgreSQL cluster tier, bound from <c>ServerEvents:Cluster:Postgres</c>; the connection string
/// defaults to <c>ConnectionStrings:Postgres</c>.
/// </summary>
public sealed class PostgresClusterOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "ServerEvents:Cluster:Postgres";

    /// <summary>The name of the connection string used when <see cref="ConnectionString"/> is not set.</summary>
    public const string ConnectionStringName = "Postgres";

    /// <summary>The Npgsql connection string. Its search path is replaced by <see cref="SchemaName"/>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The schema holding the tier's tables, created at start-up. Default <c>server_events</c>.</summary>
    public string SchemaName { get; set; } = "server_events";

    /// <summary>
    /// The LISTEN/NOTIFY channel of the fan-out. Defaults to <see cref="SchemaName"/>, so clusters in different
    /// schemas of one database never hear each other.
    /// </summary>
    public string? Channel { get; set; }

    /// <summary>
    /// The most connections this node opens to PostgreSQL, the fan-out's LISTEN connection included; it replaces any
    /// <c>Maximum Pool Size</c> in the connection string. Default 3: Azure's Burstable B1ms, which infra/ deploys,
    /// allows 35 user connections (50 minus 15 Azure keeps), and 10 replicas × 3 = 30 leaves 5 for an operator's
    /// <c>psql</c> and a roll-out's overlap. The work needs few: the event log, directory, sequence and chat-history
    /// writes are each group-committed through one connection at a time however many requests wait for them.
    /// infra/ sets it from the replica count. A call that finds every connection busy for
    /// <see cref="ConnectionTimeout"/> is answered with 503 and <c>Retry-After</c>.
    /// </summary>
    public int MaxPoolSize { get; set; } = 3;

    /// <summary>
    /// How long a call waits for a free pooled connection, or for a new one to be established, before it is answered
    /// with 503 and <c>Retry-After</c>; it replaces any <c>Timeout</c> in the connection string. Whole seconds.
    /// Default 15 s, Npgsql's own: Npgsql has one timeout for both, and a busy node's TLS and SCRAM handshake with a
    /// first-connection type load can take seconds, which must not fail as if the budget were spent.
    /// </summary>
    public TimeSpan ConnectionTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long start-up waits for the database before failing. Default 30 s.</summary>
    public TimeSpan StartupTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The first wait before the fan-out listener reconnects; it doubles after each failure. Default 0.5 s.</summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest wait between reconnection attempts. Default 10 s.</summary>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often a node renews its liveness row. Default 5 s.</summary>
    public TimeSpan NodeRenewInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A node whose liveness row is older than this is considered gone: heartbeats for its subscriptions are
    /// refused, so their clients subscribe again elsewhere. Default 20 s.
    /// </summary>
    public TimeSpan NodeTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How often the event log is trimmed to the replay retention. Default 10 s.</summary>
    public TimeSpan RetentionSweepInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How many writes may wait in each of this node's group-commit queues (the event log, the directory, sequences,
    /// chat history); a further one waits for room. Default 10 000.
    /// </summary>
    public int AppendQueueCapacity { get; set; } = 10_000;

    /// <summary>How long a write waits for room in a full group-commit queue before it fails with a 503. Default 5 s.</summary>
    public TimeSpan AppendQueueTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long shutdown waits for each queue's writes to be committed before it fails the rest. Default 10 s.</summary>
    public TimeSpan AppendShutdownTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long the readiness check waits for <c>SELECT 1</c>. Default 3 s.</summary>
    public TimeSpan HealthCheckTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>The fan-out channel in effect.</summary>
    internal string EffectiveChannel => string.IsNullOrEmpty(Channel) ? SchemaName : Channel;
}
