namespace Psync.Web;

/// <summary>Exception text as a person may read it: the words the code meant for them, without .NET's additions.</summary>
public static class UserMessages
{
    /// <summary>The message without ArgumentException's " (Parameter 'name')", which names a code parameter, not a field.</summary>
    public static string ForPeople(this Exception e) =>
        e is ArgumentException { ParamName: { } name } && e.Message.EndsWith($" (Parameter '{name}')", StringComparison.Ordinal)
            ? e.Message[..^$" (Parameter '{name}')".Length]
            : e.Message;
}
