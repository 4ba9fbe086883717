namespace Deployment.Tests.Arm;

/// <summary>
/// A value only Azure knows at deployment time (a resource id, a <c>reference()</c> to another resource's
/// properties, a <c>uniqueString</c>): the evaluator carries it through instead of guessing it.
/// </summary>
/// <param name="Expression">How it was computed, with the known arguments, e.g. <c>resourceId('Microsoft.Storage/storageAccounts', 'st«?»')</c>.</param>
/// <param name="NonEmpty">Whether it is certainly not empty (an id, a guid, a unique string), so <c>empty()</c> of it is false.</param>
/// <param name="Deployment">For the id of a nested deployment (a Bicep module), its name: <c>reference()</c> of it reads its outputs.</param>
internal sealed record Unknown(string Expression, bool NonEmpty = false, string? Deployment = null)
{
    /// <summary>How an unknown value reads inside text built by <c>format</c>, <c>concat</c> or <c>join</c>.</summary>
    public const string Text = "«?»";

    /// <inheritdoc />
    public override string ToString() => Text;
}
