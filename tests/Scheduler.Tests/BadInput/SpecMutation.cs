namespace HyperQueue.Scheduler.Tests.BadInput;

/// <summary>
/// One invalid variant of a valid spec file: the kind of damage, what exactly was done (for the failure message),
/// whether the damage sits inside <c>$.space</c> (so the space reader, not the spec reader, may be the one to
/// reject it), and the file's bytes.
/// </summary>
internal sealed record SpecMutation(string Kind, string Description, bool InSpace, byte[] Utf8)
{
    public override string ToString() => $"{Kind}: {Description}";
}
