using System.Text;
using Psync.Protocol;

namespace Psync.Engine.Tests.Protocol;

/// <summary>Property tests: PathCodec round trips and PathOrder equals memcmp of the sort keys.</summary>
public sealed class PathOrderTests
{
    private const int Seed = 20_250_101;

    // Pieces a name is built from, as bytes: ASCII on both sides of '/', multi-byte UTF-8,
    // emoji (U+1F480's UTF-16 low surrogate is U+DC80, the first escape), and invalid bytes.
    private static readonly byte[][] Pieces =
    [
        .. "abcxyzABZ019".Select(c => new[] { (byte)c }),
        "-"u8.ToArray(), "."u8.ToArray(), " "u8.ToArray(), ":"u8.ToArray(), "\n"u8.ToArray(), [0x01], [0x1F], "~"u8.ToArray(),
        "é"u8.ToArray(), "中"u8.ToArray(), "\uFFFD"u8.ToArray(), "\uE000"u8.ToArray(), "Ａ"u8.ToArray(), "\u00FF"u8.ToArray(),
        "\U0001F600"u8.ToArray(), "\U0001F480"u8.ToArray(), "\U0010FFFF"u8.ToArray(),
        [0x80], [0xBF], [0xC3], [0xE4, 0xB8], [0xED, 0xA0, 0x80], [0xED, 0xB2, 0x80], [0xC0, 0xAF], [0xF5], [0xFF], [0xF0, 0x9F, 0x98],
    ];

    [Fact]
    public void Encode_DecodedRandomBytes_ReturnsSameBytes()
    {
        // Arrange
        var random = new Random(Seed);

        for (var n = 0; n < 5_000; n++)
        {
            var bytes = n % 2 == 0 ? RandomBytes(random) : RandomName(random);

            // Act
            var decoded = PathCodec.Decode(bytes);
            var encoded = PathCodec.Encode(decoded);

            // Assert
            Assert.Equal(bytes, encoded);
            Assert.Equal(decoded, PathCodec.Decode(encoded), StringComparer.Ordinal);
        }
    }

    [Fact]
    public void Compare_RandomPaths_HasSignOfSortKeyMemcmp()
    {
        // Arrange
        var random = new Random(Seed + 1);
        var paths = RandomPaths(random, 3_000);
        var keys = paths.Select(PathOrder.SortKey).ToArray();

        for (var n = 0; n < 30_000; n++)
        {
            var a = random.Next(paths.Length);
            // Neighbours in the list share prefixes often, which reaches the byte-level branches.
            var b = n % 2 == 0 ? random.Next(paths.Length) : Math.Min(paths.Length - 1, a + random.Next(1, 4));

            // Act
            var order = PathOrder.Instance.Compare(paths[a], paths[b]);
            var memcmp = keys[a].AsSpan().SequenceCompareTo(keys[b]);

            // Assert
            Assert.True(Math.Sign(order) == Math.Sign(memcmp), $"{PathCodec.Display(paths[a])} vs {PathCodec.Display(paths[b])}: {order} but memcmp {memcmp}");
            Assert.Equal(-Math.Sign(order), Math.Sign(PathOrder.Instance.Compare(paths[b], paths[a])));
        }
    }

    [Fact]
    public void Sort_RandomPathsWithAncestors_EqualsKeyOrderWithParentsFirstAndSubtreesContiguous()
    {
        // Arrange
        var random = new Random(Seed + 2);
        var all = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in RandomPaths(random, 2_000))
        {
            for (var slash = path.IndexOf('/', StringComparison.Ordinal); slash >= 0; slash = path.IndexOf('/', slash + 1))
            {
                all.Add(path[..slash]);
            }
            all.Add(path);
        }

        // Act
        var sorted = all.Order(PathOrder.Instance).ToList();

        // Assert
        var byKey = all.OrderBy(PathOrder.SortKey, Comparer<byte[]>.Create(PathOrder.CompareNames)).ToList();
        Assert.Equal(byKey, sorted);
        var position = sorted.Select((p, i) => (p, i)).ToDictionary(x => x.p, x => x.i, StringComparer.Ordinal);
        for (var i = 0; i < sorted.Count; i++)
        {
            var path = sorted[i];
            var slash = path.LastIndexOf('/');
            if (slash >= 0)
            {
                Assert.True(position[path[..slash]] < i, $"parent of {PathCodec.Display(path)} sorts after it");
            }
            var descendants = all.Count(p => p != path && PathOrder.IsSameOrBelow(p, path));
            for (var k = i + 1; k <= i + descendants; k++)
            {
                Assert.True(PathOrder.IsSameOrBelow(sorted[k], path), $"{PathCodec.Display(sorted[k])} splits the subtree of {PathCodec.Display(path)}");
            }
        }
    }

    [Fact]
    public void FromSortKey_RandomPaths_ReturnsSamePath()
    {
        // Arrange
        var paths = RandomPaths(new Random(Seed + 3), 3_000);

        foreach (var path in paths)
        {
            // Act
            var back = PathOrder.FromSortKey(PathOrder.SortKey(path));

            // Assert
            Assert.Equal(path, back, StringComparer.Ordinal);
        }
    }

    // Lone surrogates do not survive xUnit's discovery serialization, so this data is only
    // enumerated when the test runs.
    public static TheoryData<string, string> KnownPairs() => new()
    {
        { "a", "a/x" },
        { "a/x", "a-c" },
        { "a/x/y", "a-c" },
        { "a-c", "ab" },
        { "b/\uFFFD", "b/\U0001F600" },
        { "b/\U0001F600", "b/\uDCFF" },
        { "b/\uDC80", "b/\u00E9" },
        { "\U0001F480", "\U0001F480\uDC80" },
        { "x\uDCC3", "x\uDCFF" },
        { "x/\uDCFF", "x\u0001" },
    };

    [Theory]
    [MemberData(nameof(KnownPairs), DisableDiscoveryEnumeration = true)]
    public void Compare_KnownPairs_OrdersFirstBeforeSecond(string first, string second)
    {
        // Act
        var order = PathOrder.Instance.Compare(first, second);

        // Assert
        Assert.True(order < 0);
        Assert.True(PathOrder.Instance.Compare(second, first) > 0);
    }

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(0, 40)];
        for (var i = 0; i < bytes.Length; i++)
        {
            // Half high bytes, so invalid and valid multi-byte sequences both turn up.
            bytes[i] = (byte)(random.Next(2) == 0 ? random.Next(0x80, 0x100) : random.Next(1, 0x80));
        }
        return bytes;
    }

    private static byte[] RandomName(Random random)
    {
        var name = new List<byte>();
        var pieces = random.Next(1, 6);
        for (var i = 0; i < pieces; i++)
        {
            name.AddRange(Pieces[random.Next(Pieces.Length)]);
        }
        return [.. name];
    }

    /// <summary>Distinct paths of 1–4 components drawn from a small pool, so prefixes repeat.</summary>
    private static string[] RandomPaths(Random random, int count)
    {
        var pool = Enumerable.Range(0, 60).Select(_ => PathCodec.Decode(RandomName(random))).ToArray();
        var paths = new HashSet<string>(StringComparer.Ordinal);
        while (paths.Count < count)
        {
            var depth = random.Next(1, 5);
            var sb = new StringBuilder();
            for (var d = 0; d < depth; d++)
            {
                sb.Append(d == 0 ? "" : "/").Append(random.Next(4) == 0 ? PathCodec.Decode(RandomName(random)) : pool[random.Next(pool.Length)]);
            }
            paths.Add(sb.ToString());
        }
        return [.. paths];
    }
}
