using Microsoft.AspNetCore.Components;
using Psync.Web.Live;

namespace Psync.Web.Components.Shared;

/// <summary>A page that refreshes itself on live updates (debounced by <see cref="LiveUpdates"/>); the one base class of the pages.</summary>
public abstract class LivePage : ComponentBase, IDisposable
{
    private IDisposable? _subscription;

    [Inject]
    private LiveUpdates Live { get; set; } = default!;

    protected override void OnInitialized() =>
        _subscription = Live.Subscribe(batch => InvokeAsync(async () =>
        {
            if (await OnLiveAsync(batch))
            {
                StateHasChanged();
            }
        }));

    /// <summary>Reloads what the batch touched; true when the page should render again.</summary>
    protected abstract Task<bool> OnLiveAsync(IReadOnlyList<PairUpdate> batch);

    public void Dispose()
    {
        _subscription?.Dispose();
        GC.SuppressFinalize(this);
    }
}
