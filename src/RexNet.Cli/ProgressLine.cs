namespace RexNet.Cli;

/// <summary>
/// Progress on stderr: redrawn in place on a terminal; when stderr is a file or a pipe, only the final line, plus
/// a line per tenth of the work when <paramref name="tenthsWhenRedirected"/> (for long runs such as an evaluation).
/// </summary>
internal sealed class ProgressLine(CliConsole console, bool tenthsWhenRedirected = false)
{
    private readonly bool _terminal = console.ErrorIsTerminal;
    private readonly TextWriter _stderr = console.Error;
    private int _lastTenth = -1;
    private string _lastDrawn = "";
    private bool _open;

    /// <summary>Shows <paramref name="text"/> for progress <paramref name="fraction"/> in [0, 1], if known.</summary>
    public void Update(string text, double? fraction)
    {
        if (_terminal)
        {
            if (text != _lastDrawn || !_open)
            {
                _stderr.Write("\r" + text.PadRight(_lastDrawn.Length));
                _lastDrawn = text;
                _open = true;
            }
            return;
        }
        int tenth = fraction is { } f ? (int)Math.Floor(f * 10) : _lastTenth;
        if (tenthsWhenRedirected && tenth > _lastTenth && tenth < 10)
        {
            _stderr.WriteLine(text);
            _lastTenth = tenth;
        }
    }

    /// <summary>Takes the bar off the screen so that a line can be printed; the next <see cref="Update"/> redraws it.</summary>
    public void Clear()
    {
        if (_open)
        {
            _stderr.Write("\r" + new string(' ', _lastDrawn.Length) + "\r");
            _open = false;
        }
    }

    /// <summary>Ends the progress display with a final line, shown in either mode.</summary>
    public void Finish(string text)
    {
        Clear();
        _stderr.WriteLine(text);
    }

    /// <summary>A bar of <paramref name="width"/> cells for a fraction in [0, 1].</summary>
    public static string Bar(double fraction, int width = 30)
    {
        int filled = (int)Math.Round(Math.Clamp(fraction, 0, 1) * width);
        return "[" + new string('#', filled) + new string('.', width - filled) + "]";
    }
}
