using System.Diagnostics;
using System.Text;

namespace Psync.Native.Tests;

/// <summary>
/// A fresh folder under the temp path with ROOT (watched) and OUTSIDE (a sibling that is not),
/// removed again on dispose.
/// </summary>
public sealed class TempTree : IDisposable
{
    public TempTree()
    {
        Base = Path.Combine(Path.GetTempPath(), "psync-native-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(Outside);
    }

    public string Base { get; }

    public string Root => Path.Combine(Base, "root");

    public string Outside => Path.Combine(Base, "outside");

    /// <summary>A path inside ROOT.</summary>
    public string In(string relative) => Path.Combine(Root, relative);

    /// <summary>A path in the sibling folder that is not watched.</summary>
    public string Out(string relative) => Path.Combine(Outside, relative);

    /// <summary>A byte path inside ROOT, for names that are not UTF-8.</summary>
    public byte[] In(byte[] relative) => [.. Encoding.UTF8.GetBytes(Root + "/"), .. relative];

    public void Dispose()
    {
        try
        {
            Directory.Delete(Base, recursive: true);
        }
        catch (IOException)
        {
            // .NET cannot address names that are not UTF-8; rm can.
            RemoveWithRm();
        }
        catch (UnauthorizedAccessException)
        {
            RemoveWithRm();
        }
    }

    private void RemoveWithRm()
    {
        var psi = new ProcessStartInfo("rm") { ArgumentList = { "-rf", "--", Base } };
        using var rm = Process.Start(psi);
        rm?.WaitForExit(10_000);
    }
}
