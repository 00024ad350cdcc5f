namespace RexNet.Cli;

/// <summary>"Did you mean ...?" for a misspelt command, option or model name: the candidates within a small edit
/// distance (transpositions count once), or that contain the word (--port for --http-port, pre for predict).</summary>
internal static class Suggestions
{
    public static IReadOnlyList<string> Closest(string word, IEnumerable<string> candidates, int max = 3)
    {
        string bare = Bare(word);
        if (bare.Length == 0)
        {
            return [];
        }
        int limit = Math.Max(1, bare.Length / 4);
        // Ties keep the candidates' order: callers list their preferred spellings first.
        return candidates
            .Distinct(StringComparer.Ordinal)
            .Select(c => (Candidate: c, Distance: Distance(bare, Bare(c))))
            .Where(x => x.Distance <= limit || (bare.Length >= 3 && Bare(x.Candidate).Contains(bare, StringComparison.OrdinalIgnoreCase)) ||
                        (bare.Length >= 2 && Bare(x.Candidate).StartsWith(bare, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(x => x.Distance)
            .Take(max)
            .Select(x => x.Candidate)
            .ToArray();
    }

    /// <summary>"; did you mean 'x'?" or "; did you mean one of 'x', 'y'?", or nothing.</summary>
    public static string Phrase(string word, IEnumerable<string> candidates)
    {
        var close = Closest(word, candidates);
        return close.Count switch
        {
            0 => "",
            1 => $"; did you mean '{close[0]}'?",
            _ => $"; did you mean one of {string.Join(", ", close.Select(c => $"'{c}'"))}?",
        };
    }

    private static string Bare(string s) => s.TrimStart('-', '/').ToLowerInvariant();

    /// <summary>Optimal string alignment distance (Levenshtein plus adjacent transpositions).</summary>
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }
        for (int j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }
        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }
        return d[a.Length, b.Length];
    }
}
