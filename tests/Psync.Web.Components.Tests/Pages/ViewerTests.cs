using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Psync.Web.Auth;
using Psync.Web.Components.Pages;
using Psync.Web.Components.Shared;
using Psync.Web.Components.Tests.Support;
using Psync.Web.Hosts;

namespace Psync.Web.Components.Tests.Pages;

/// <summary>A viewer reads everything and gets no button it cannot use: they are not rendered (so no handler is there to call).</summary>
public sealed class ViewerTests : IAsyncLifetime
{
    private readonly PsyncTestHost _host = new();

    public Task InitializeAsync() => _host.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task PairPage_Viewer_NoPairButtonsAndNoRestore()
    {
        // Arrange: a pair with an entry in its left trash (a file deleted on the right).
        var pair = await _host.CreateLocalPairAsync("watched");
        var right = Path.Combine(pair.RightRoot, "gone.txt");
        await File.WriteAllTextAsync(right, "soon gone");
        await WaitUntilAsync(() => File.Exists(Path.Combine(pair.LeftRoot, "gone.txt")), "gone.txt on the left");
        File.Delete(right);
        await WaitUntilAsync(() => !File.Exists(Path.Combine(pair.LeftRoot, "gone.txt")), "gone.txt deleted on the left");
        _host.SignIn(Role.Viewer, userId: 2, userName: "vera");

        // Act
        var cut = RenderDetail(pair.Id);
        await cut.WaitForAssertionAsync(() => Assert.Equal("watched", cut.Find("#pair-name").TextContent.Trim()), PsyncTestHost.Deadline);
        // Found and clicked in one step: the live page may render again in between.
        await cut.InvokeAsync(() => cut.FindAll(".mud-tab").Single(t => t.TextContent.Trim() == "Trash").Click());

        // Assert
        await cut.WaitForAssertionAsync(() => Assert.Contains("gone.txt", cut.Find(".psync-trash").TextContent, StringComparison.Ordinal), PsyncTestHost.Deadline);
        Assert.Empty(cut.FindAll(".psync-restore"));
        foreach (var id in new[] { "#pause", "#resume", "#confirm-deletes", "#resync", "#verify" })
        {
            Assert.Empty(cut.FindAll(id));
        }
        Assert.Empty(cut.FindAll("a[href$='/edit']"));
        Assert.Contains("viewer", cut.Find("#read-only").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PairPage_Operator_HasThePairButtons()
    {
        // Arrange
        var pair = await _host.CreateLocalPairAsync("operated");
        _host.SignIn(Role.Operator, userId: 3, userName: "otto");

        // Act
        var cut = RenderDetail(pair.Id);

        // Assert
        await cut.WaitForAssertionAsync(() =>
        {
            Assert.NotEmpty(cut.FindAll("#resync"));
            Assert.NotEmpty(cut.FindAll("#verify"));
            Assert.NotEmpty(cut.FindAll("a[href$='/edit']"));
        }, PsyncTestHost.Deadline);
        Assert.Empty(cut.FindAll("#read-only"));
    }

    [Fact]
    public void ConflictList_ReadOnly_NoResolveButtons()
    {
        // Act
        var cut = _host.Context.Render<ConflictList>(p => p
            .Add(c => c.Conflicts, [Resources.Conflict(1, "a.txt"), Resources.Conflict(2, "b.txt", resolved: true)])
            .Add(c => c.ReadOnly, true));

        // Assert
        Assert.Empty(cut.FindAll("button"));
        Assert.Contains("open", cut.Markup, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Role.Viewer)]
    [InlineData(Role.Operator)]
    public async Task HostsPage_NotAdmin_ListsHostsWithoutButtons(Role role)
    {
        // Arrange
        var (saved, errors) = await _host.Context.Services.GetRequiredService<HostService>().SaveAsync(null, new HostRequest("far", "192.0.2.1", 22, "sync", GenerateKey: true));
        Assert.Empty(errors);
        _host.SignIn(role, userId: 2, userName: "vera");

        // Act
        var cut = _host.Context.Render<HostsPage>();
        await cut.WaitForAssertionAsync(() => Assert.Contains("sync@192.0.2.1:22", cut.Markup, StringComparison.Ordinal), PsyncTestHost.Deadline);
        cut.Find("tbody tr").Click();

        // Assert
        Assert.Empty(cut.FindAll("#add-host"));
        Assert.Empty(cut.FindAll("button[aria-label='delete host']"));
        Assert.Empty(cut.FindAll("#host-save"));
        Assert.Empty(cut.FindAll("button"));
        Assert.NotNull(saved);
    }

    [Fact]
    public async Task HostsPage_Admin_HasAddAndDelete()
    {
        // Arrange
        await _host.Context.Services.GetRequiredService<HostService>().SaveAsync(null, new HostRequest("near", "192.0.2.2", 22, "sync", GenerateKey: true));

        // Act
        var cut = _host.Context.Render<HostsPage>();

        // Assert
        await cut.WaitForAssertionAsync(() =>
        {
            Assert.NotEmpty(cut.FindAll("#add-host"));
            Assert.NotEmpty(cut.FindAll("button[aria-label='delete host']"));
        }, PsyncTestHost.Deadline);
    }

    [Fact]
    public void Dashboard_Viewer_NoAddPair()
    {
        // Arrange
        _host.SignIn(Role.Viewer, userId: 2, userName: "vera");

        // Act
        var cut = _host.Context.Render<Dashboard>();

        // Assert
        Assert.Empty(cut.FindAll("#add-pair"));
    }

    private IRenderedComponent<Microsoft.AspNetCore.Components.IComponent> RenderDetail(int id) => _host.Context.Render(b =>
    {
        b.OpenComponent<MudPopoverProvider>(0);
        b.CloseComponent();
        b.OpenComponent<PairDetail>(1);
        b.AddAttribute(2, nameof(PairDetail.Id), id);
        b.CloseComponent();
    });

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var until = DateTime.UtcNow + PsyncTestHost.Deadline;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, $"waited {PsyncTestHost.Deadline} for {what}");
            await Task.Delay(20);
        }
    }
}
