using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;

namespace ServerEvents.Client;

/// <summary>
/// Delivers messages to a named receiver object: for target <c>X</c>, calls a public method named X (case-insensitive)
/// with no argument or with the body deserialised to its one parameter, or else sets a public property named X to
/// the deserialised body.
/// </summary>
internal sealed class NamedReceiverInvoker(object receiver, JsonSerializerOptions json)
{
    private readonly ConcurrentDictionary<string, Members> _members = new(StringComparer.OrdinalIgnoreCase);

    /// <returns><see langword="false"/> when the receiver has no member named <paramref name="target"/>.</returns>
    public bool TryInvoke(string target, string body)
    {
        var members = _members.GetOrAdd(target, Find);

        // With a body prefer the overload that takes it; without one prefer the one that takes nothing.
        var method = body.Length > 0 ? members.OneArgument ?? members.NoArgument : members.NoArgument ?? members.OneArgument;
        if (method is not null)
        {
            object?[] arguments = method.GetParameters() is [var parameter] ? [Deserialize(body, parameter.ParameterType)] : [];
            method.Invoke(receiver, BindingFlags.DoNotWrapExceptions, binder: null, arguments, culture: null);
            return true;
        }

        if (members.Property is { } property)
        {
            property.SetValue(receiver, Deserialize(body, property.PropertyType), BindingFlags.DoNotWrapExceptions, binder: null, index: null, culture: null);
            return true;
        }

        return false;
    }

    private object? Deserialize(string body, Type type) => body.Length == 0 ? null : JsonSerializer.Deserialize(body, type, json);

    private Members Find(string target)
    {
        var type = receiver.GetType();
        var methods = type.GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .Where(m => !m.IsSpecialName && !m.IsGenericMethodDefinition && string.Equals(m.Name, target, StringComparison.OrdinalIgnoreCase))
            .ToList();
        var property = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .FirstOrDefault(p => p.SetMethod is { IsPublic: true } && p.GetIndexParameters().Length == 0
                && string.Equals(p.Name, target, StringComparison.OrdinalIgnoreCase));
        return new Members(
            methods.FirstOrDefault(m => m.GetParameters().Length == 0),
            methods.FirstOrDefault(m => m.GetParameters().Length == 1),
            property);
    }

    private sealed record Members(MethodInfo? NoArgument, MethodInfo? OneArgument, PropertyInfo? Property);
}
