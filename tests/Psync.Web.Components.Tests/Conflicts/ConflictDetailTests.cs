using Bunit;
using Psync.Engine.Sync;
using Psync.Web.Components.Shared;
using Psync.Web.Components.Tests.Support;
using Psync.Protocol;
using Psync.Web.Conflicts;

namespace Psync.Web.Components.Tests.Conflicts;

public sealed class ConflictDetailTests : IAsyncLifetime
{
    private readonly BunitContext _context = MudContext.Create();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _context.DisposeAsync();

    [Fact]
    public void Render_TextDiff_NamesTheChangedLinesAndMarksThem()
    {
        // Arrange
        var hunks = LineDiff.Hunks(LineDiff.Compare(["one", "two", "three"], ["one", "TWO", "three"]));

        // Act
        var cut = Render(Preview(PreviewLayout.Diff, hunks));

        // Assert
        Assert.Equal("Differs at left line 2; right line 2", cut.Find(".psync-diff-summary").TextContent.Trim());
        Assert.Equal("- two", cut.Find("tr.psync-diff-removed pre").TextContent);
        Assert.Equal("+ TWO", cut.Find("tr.psync-diff-added pre").TextContent);
        Assert.Equal(["1", "2", "3"], cut.FindAll("tr.psync-diff-same td.psync-diff-no:first-child, tr.psync-diff-removed td.psync-diff-no:first-child").Select(td => td.TextContent));
    }

    [Fact]
    public void Render_Versions_SideBySideInHumanForm()
    {
        // Act
        var cut = Render(Preview(PreviewLayout.Diff, []));

        // Assert
        var left = cut.Find(".psync-version[data-side=left]");
        var right = cut.Find(".psync-version[data-side=right]");
        Assert.Contains("conflict copy", left.TextContent, StringComparison.Ordinal);
        Assert.Contains("keeps the name", right.TextContent, StringComparison.Ordinal);
        Assert.Empty(left.QuerySelectorAll(".psync-newer"));
        Assert.Single(right.QuerySelectorAll(".psync-newer"));
        Assert.Equal("1.5 KiB (1,536 bytes)", left.QuerySelector(".psync-size")!.TextContent);
        Assert.Equal(Format.Time(Resources.Now), left.QuerySelector(".psync-modified")!.TextContent);
        Assert.Contains("rw-r--r-- (644)", left.TextContent, StringComparison.Ordinal);
        Assert.Contains("uid 1000, gid 100", left.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("ino", cut.Markup, StringComparison.Ordinal);
        Assert.Contains("The two texts are the same.", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_SidesImageAndHex_ShowsTheImageAndTheDump()
    {
        // Arrange
        var preview = Preview(PreviewLayout.Sides, null) is var p ? p with
        {
            Left = p.Left with { Preview = new ContentPreview(PreviewKind.Image, DataUrl: "data:image/png;base64,iVBORw0KGgo=") },
            Right = p.Right with { Size = 4096, Preview = new ContentPreview(PreviewKind.Hex, Hex: "00000000  00 01  |..|\n", Truncated: true) },
        } : null!;

        // Act
        var cut = Render(preview);

        // Assert
        Assert.Equal("data:image/png;base64,iVBORw0KGgo=", cut.Find(".psync-version[data-side=left] img").GetAttribute("src"));
        Assert.Equal("00000000  00 01  |..|\n", cut.Find(".psync-version[data-side=right] pre.psync-hex").TextContent);
        Assert.Contains("The first 256 B of 4.0 KiB.", cut.Find(".psync-version[data-side=right]").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll(".psync-diff"));
        Assert.Empty(cut.FindAll(".psync-text-truncated"));
    }

    [Fact]
    public void Render_TextOverTheLimit_SaysOnlyItsBeginningIsShown()
    {
        // Arrange
        var p = Preview(PreviewLayout.Sides, null);
        var preview = p with { Left = p.Left with { Size = 400 * 1024, Preview = new ContentPreview(PreviewKind.Text, Text: "line 0\n", Truncated: true) } };

        // Act
        var cut = Render(preview);

        // Assert
        Assert.Equal("line 0\n", cut.Find(".psync-version[data-side=left] pre.psync-text").TextContent);
        Assert.Equal("The beginning of 400.0 KiB: too large to compare line by line (the limit is 256.0 KiB).", cut.Find(".psync-text-truncated").TextContent.Trim());
    }

    [Theory]
    [InlineData("button.psync-workbench-keep-left", ConflictResolution.KeepLeft)]
    [InlineData("button.psync-workbench-keep-right", ConflictResolution.KeepRight)]
    [InlineData("button.psync-workbench-keep-both", ConflictResolution.KeepBoth)]
    public void Click_Choice_RaisesOnResolve(string button, ConflictResolution expected)
    {
        // Arrange
        var raised = new List<ConflictResolution>();
        var cut = _context.Render<ConflictDetail>(p => p.Add(c => c.Preview, Preview(PreviewLayout.Diff, [])).Add(c => c.OnResolve, r => raised.Add(r)));

        // Act
        cut.Find(button).Click();

        // Assert
        Assert.Equal(expected, Assert.Single(raised));
    }

    [Fact]
    public void Render_ReadOnlyOrResolved_NoChoices()
    {
        // Act
        var viewer = _context.Render<ConflictDetail>(p => p.Add(c => c.Preview, Preview(PreviewLayout.Diff, [])).Add(c => c.ReadOnly, true));
        var resolved = Render(Preview(PreviewLayout.Diff, []) with { Resolved = true });

        // Assert
        Assert.Empty(viewer.FindAll("button"));
        Assert.Empty(resolved.FindAll("button"));
    }

    [Fact]
    public void Render_NotRunningAndInTrash_SaysWhyNoContent()
    {
        // Arrange
        var p = Preview(PreviewLayout.Sides, null);
        var preview = p with
        {
            Note = "The pair is not running.",
            Left = p.Left with { Location = null, Preview = new ContentPreview(PreviewKind.None, Why: "This version went to the left trash.") },
        };

        // Act
        var cut = Render(preview);

        // Assert
        Assert.Equal("The pair is not running.", cut.Find(".psync-preview-note").TextContent.Trim());
        var left = cut.Find(".psync-version[data-side=left]");
        Assert.Contains("in the left trash", left.TextContent, StringComparison.Ordinal);
        Assert.Equal("This version went to the left trash.", left.QuerySelector(".psync-no-preview")!.TextContent.Trim());
    }

    private IRenderedComponent<ConflictDetail> Render(ConflictPreviewResource preview) =>
        _context.Render<ConflictDetail>(p => p.Add(c => c.Preview, preview));

    private static ConflictPreviewResource Preview(PreviewLayout content, IReadOnlyList<DiffHunk>? diff) => new(
        Id: 7, PairId: 1, "notes.txt", Resolved: false, Resources.Now,
        new ConflictVersion("left", "notes.psync-conflict-20261124-120000-left.txt", EntryKind.File, 1536, Resources.Now, "rw-r--r-- (644)", 1000, 100, null, Newer: false, Kept: false, ChangedSince: false, null),
        new ConflictVersion("right", "notes.txt", EntryKind.File, 20, Resources.Now.AddHours(1), "rw------- (600)", 1000, 100, null, Newer: true, Kept: true, ChangedSince: false, null),
        content, diff, Note: null);
}
