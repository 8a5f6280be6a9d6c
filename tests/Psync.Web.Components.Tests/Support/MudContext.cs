using Bunit;
using MudBlazor.Services;

namespace Psync.Web.Components.Tests.Support;

/// <summary>A bUnit context as MudBlazor components need it.</summary>
public static class MudContext
{
    /// <summary>MudBlazor's services, and loose JS interop: its components call JS for focus, viewport and popovers, none of which these tests look at.</summary>
    public static BunitContext Create()
    {
        var context = new BunitContext();
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.Services.AddMudServices();
        return context;
    }
}
