using MudBlazor;

namespace Psync.Web.Components.Shared;

/// <summary>Asks a person before a destructive action, through <see cref="ConfirmDialog"/>.</summary>
public static class Confirmations
{
    /// <summary>Shows <paramref name="text"/> (and <paramref name="items"/>) under <paramref name="title"/>; true when the person clicked <paramref name="confirmText"/>.</summary>
    public static async Task<bool> ConfirmAsync(this IDialogService dialogs, string title, string text, string confirmText, IReadOnlyList<string>? items = null, Color color = Color.Error)
    {
        var parameters = new DialogParameters<ConfirmDialog>
        {
            { d => d.Text, text },
            { d => d.ConfirmText, confirmText },
            { d => d.Items, items },
            { d => d.Color, color },
        };
        var dialog = await dialogs.ShowAsync<ConfirmDialog>(title, parameters, new DialogOptions { CloseOnEscapeKey = true, MaxWidth = MaxWidth.Small, FullWidth = true });
        var result = await dialog.Result;
        return result is { Canceled: false };
    }
}
