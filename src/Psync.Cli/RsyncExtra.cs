using System.Text;
using Psync.Engine.Transfer;

namespace Psync.Cli;

/// <summary>
/// psync's -x "RSYNC OPTIONS": split like a shell would (whitespace, '...' and "..." quoting,
/// backslash), never run through one, and refused when an option would undo how Psync stages,
/// commits and guards its writes (<see cref="RsyncExtraPolicy"/>).
/// </summary>
internal static class RsyncExtra
{
    public static IReadOnlyList<string> Parse(string value)
    {
        var words = Split(value);
        foreach (var word in words)
        {
            Check(word);
        }
        return words;
    }

    public static List<string> Split(string value)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }
                continue;
            }
            inWord = true;
            if (c == '\'')
            {
                var end = value.IndexOf('\'', i + 1);
                if (end < 0)
                {
                    throw new UsageException($"-x: unterminated ' in \"{value}\"");
                }
                word.Append(value, i + 1, end - i - 1);
                i = end;
            }
            else if (c == '"')
            {
                for (i++; ; i++)
                {
                    if (i >= value.Length)
                    {
                        throw new UsageException($"-x: unterminated \" in \"{value}\"");
                    }
                    if (value[i] == '"')
                    {
                        break;
                    }
                    if (value[i] == '\\' && i + 1 < value.Length && value[i + 1] is '"' or '\\')
                    {
                        i++;
                    }
                    word.Append(value[i]);
                }
            }
            else if (c == '\\' && i + 1 < value.Length)
            {
                word.Append(value[++i]);
            }
            else
            {
                word.Append(c);
            }
        }
        if (inWord)
        {
            words.Add(word.ToString());
        }
        return words;
    }

    private static void Check(string word)
    {
        if (word.Length < 2 || word[0] != '-')
        {
            throw new UsageException(
                $"-x: '{word}' is not an rsync option (give a value in the same word: --block-size=1024 or -B1024)");
        }
        if (RsyncExtraPolicy.Refusal(word) is { } reason)
        {
            throw new UsageException($"-x: {reason}");
        }
    }

}
