namespace RexNet.Cli;

/// <summary>
/// Progress on stderr: redrawn in place on a terminal; when stderr is a file or a pipe, only the final line, plus
/// a line per tenth of the work when <paramref name="tenthsWhenRedirected"/> (for long runs such as an evaluation).
/// </summary>
internal sealed class ProgressLine(TextWriter stderr, bool tenthsWhenRedirected = false)
{
    private readonly bool _terminal = ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected;
    private int _lastTenth = -1;
    private string _lastDrawn = "";
    private bool _open;

    /// <summary>Shows <paramref name="text"/> for progress <paramref name="fraction"/> in [0, 1], if known.</summary>
    public void Update(string text, double? fraction)
    {
        if (_terminal)
        {
            if (text != _lastDrawn)
            {
                stderr.Write("\r" + text.PadRight(_lastDrawn.Length));
                _lastDrawn = text;
                _open = true;
            }
            return;
        }
        int tenth = fraction is { } f ? (int)Math.Floor(f * 10) : _lastTenth;
        if (tenthsWhenRedirected && tenth > _lastTenth && tenth < 10)
        {
            stderr.WriteLine(text);
            _lastTenth = tenth;
        }
    }

    /// <summary>Ends the progress display with a final line, shown in either mode.</summary>
    public void Finish(string text)
    {
        if (_open)
        {
            stderr.Write("\r" + new string(' ', _lastDrawn.Length) + "\r");
        }
        stderr.WriteLine(text);
        _open = false;
    }

    /// <summary>A bar of <paramref name="width"/> cells for a fraction in [0, 1].</summary>
    public static string Bar(double fraction, int width = 30)
    {
        int filled = (int)Math.Round(Math.Clamp(fraction, 0, 1) * width);
        return "[" + new string('#', filled) + new string('.', width - filled) + "]";
    }
}
