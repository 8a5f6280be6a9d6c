using Bunit;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Psync.Web.Components.Tests.Support;

/// <summary>Renders a component next to the providers its dialogs and popovers need (as MainLayout has them).</summary>
public static class WithProviders
{
    /// <param name="context">The bUnit context.</param>
    /// <param name="parameters">The component's parameters by name (nameof).</param>
    public static IRenderedComponent<IComponent> Render<T>(BunitContext context, IReadOnlyDictionary<string, object?> parameters)
        where T : IComponent => context.Render(b =>
        {
            b.OpenComponent<MudDialogProvider>(0);
            b.CloseComponent();
            b.OpenComponent<MudPopoverProvider>(1);
            b.CloseComponent();
            b.OpenComponent<T>(2);
            foreach (var (name, value) in parameters)
            {
                b.AddAttribute(3, name, value);
            }
            b.CloseComponent();
        });
}
