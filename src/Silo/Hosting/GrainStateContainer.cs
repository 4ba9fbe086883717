using System.Text;

namespace ServerEvents.Silo.Hosting;

/// <summary>
/// The blob container that holds a service's grain state. Orleans names a state blob after the grain type and key
/// only, so two services sharing one storage account (two deployments, or two test clusters on one Azurite) would
/// read and overwrite each other's grains in a shared container; one container per service id keeps them apart.
/// </summary>
public static class GrainStateContainer
{
    private const string Prefix = "grains-";
    private const int MaxLength = 63;

    /// <summary>
    /// <c>grains-</c> and the service id, lower-cased, with every character a container name cannot hold (and runs
    /// of them) turned into one hyphen.
    /// </summary>
    /// <exception cref="InvalidOperationException">The service id gives an empty or too long container name.</exception>
    public static string For(string serviceId)
    {
        ArgumentNullException.ThrowIfNull(serviceId);
        var name = new StringBuilder(Prefix);
        foreach (var c in serviceId.ToLowerInvariant())
        {
            var valid = c is (>= 'a' and <= 'z') or (>= '0' and <= '9');
            if (valid)
            {
                name.Append(c);
            }
            else if (name[^1] != '-')
            {
                name.Append('-');
            }
        }

        var container = name.ToString().TrimEnd('-');
        return container.Length > Prefix.Length && container.Length <= MaxLength
            ? container
            : throw new InvalidOperationException(
                $"Orleans:ServiceId '{serviceId}' cannot name a blob container: use letters and digits, at most {MaxLength - Prefix.Length} of them.");
    }
}
