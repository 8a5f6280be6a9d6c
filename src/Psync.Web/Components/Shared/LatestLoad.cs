namespace Psync.Web.Components.Shared;

/// <summary>
/// "The latest load wins", for a component that loads again when a person or a live update
/// changes what it shows (another side, folder, path or pair). Blazor starts the next load
/// without waiting for the last one, so answers can come back out of order: the answer of a load
/// that a later one overtook is dropped, and so is its error. One instance per kind of load.
/// </summary>
public sealed class LatestLoad
{
    private int _started;

    /// <summary>Whether the latest load is still out.</summary>
    public bool Busy { get; private set; }

    /// <summary>
    /// Awaits <paramref name="load"/>. Returns <c>(true, answer)</c> when no later load began
    /// meanwhile, else <c>(false, default)</c>: the caller shows only the first. An overtaken
    /// load's exception is dropped; the latest one's is thrown.
    /// </summary>
    public async Task<(bool Latest, T Answer)> RunAsync<T>(Func<Task<T>> load)
    {
        var mine = ++_started;
        Busy = true;
        try
        {
            var answer = await load();
            return mine == _started ? (true, answer) : (false, default!);
        }
        catch when (mine != _started)
        {
            return (false, default!);
        }
        finally
        {
            if (mine == _started)
            {
                Busy = false;
            }
        }
    }
}
