using Psync.Web.Components.Shared;

namespace Psync.Web.Components.Tests.Conflicts;

public sealed class FormatPermissionsTests
{
    [Theory]
    [InlineData(0x81A4u, "rw-r--r-- (644)")] // a regular file's st_mode: the type bits are ignored
    [InlineData(0x1EDu, "rwxr-xr-x (755)")]
    [InlineData(0x0u, "--------- (000)")]
    [InlineData(0x9EDu, "rwsr-xr-x (4755)")]
    [InlineData(0x5A4u, "rw-r-Sr-- (2644)")]
    [InlineData(0x3FFu, "rwxrwxrwt (1777)")]
    public void Permissions_Mode_AsLsShowsIt(uint mode, string expected)
    {
        // Act
        var text = Format.Permissions(mode);

        // Assert
        Assert.Equal(expected, text);
    }
}
