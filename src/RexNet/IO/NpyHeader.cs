using System.Globalization;

namespace RexNet.IO;

/// <summary>The three fields of a .npy header: dtype descriptor, memory order and shape.</summary>
internal sealed record NpyHeader(string Descr, bool FortranOrder, int[] Shape)
{
    /// <summary>
    /// Parses the header's Python dict literal, e.g. <c>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (2, 3), }</c>.
    /// A hand-written scanner rather than a regex: it runs in linear time on any input (a backtracking pattern
    /// over 64 KiB of hostile whitespace does not) and accepts exactly what NumPy would.
    /// </summary>
    public static NpyHeader Parse(string text, string file) => new Scanner(text, file).ReadHeader();

    private sealed class Scanner(string text, string file)
    {
        private int _pos;

        public NpyHeader ReadHeader()
        {
            string? descr = null;
            bool? fortranOrder = null;
            int[]? shape = null;
            SkipSpace();
            Expect('{');
            SkipSpace();
            while (Peek() != '}')
            {
                string key = ReadString();
                SkipSpace();
                Expect(':');
                SkipSpace();
                switch (key)
                {
                    case "descr" when descr is null: descr = ReadString(); break;
                    case "fortran_order" when fortranOrder is null: fortranOrder = ReadBool(); break;
                    case "shape" when shape is null: shape = ReadShape(); break;
                    case "descr" or "fortran_order" or "shape": throw Bad($"key '{key}' appears twice");
                    default: throw Bad($"unexpected key '{key}'");
                }
                SkipSpace();
                if (Peek() == ',')
                {
                    _pos++;
                    SkipSpace();
                }
                else if (Peek() != '}')
                {
                    throw Bad("expected ',' or '}'");
                }
            }
            _pos++;
            SkipSpace();
            if (_pos != text.Length)
            {
                throw Bad("text after the closing '}'");
            }
            return new NpyHeader(descr ?? throw Missing("descr"), fortranOrder ?? throw Missing("fortran_order"),
                shape ?? throw Missing("shape"));
        }

        private string ReadString()
        {
            int quote = Peek();
            if (quote is not ('\'' or '"'))
            {
                throw Bad("expected a quoted string");
            }
            int end = text.IndexOf((char)quote, _pos + 1);
            if (end < 0)
            {
                throw Bad("unterminated string");
            }
            string value = text[(_pos + 1)..end];
            if (value.Contains('\\'))
            {
                throw Bad("escape sequences are not supported");
            }
            _pos = end + 1;
            return value;
        }

        private bool ReadBool()
        {
            if (TryConsume("True"))
            {
                return true;
            }
            if (TryConsume("False"))
            {
                return false;
            }
            throw Bad("expected True or False");
        }

        private bool TryConsume(string word)
        {
            if (!text.AsSpan(_pos).StartsWith(word, StringComparison.Ordinal))
            {
                return false;
            }
            _pos += word.Length;
            return true;
        }

        /// <summary>A Python tuple of non-negative ints: (), (3,), (2, 3) or (2, 3,).</summary>
        private int[] ReadShape()
        {
            Expect('(');
            SkipSpace();
            var dims = new List<int>();
            bool trailingComma = false;
            while (Peek() != ')')
            {
                dims.Add(ReadDimension());
                SkipSpace();
                trailingComma = Peek() == ',';
                if (trailingComma)
                {
                    _pos++;
                    SkipSpace();
                }
                else if (Peek() != ')')
                {
                    throw Bad("expected ',' or ')' in the shape");
                }
            }
            if (dims.Count == 1 && !trailingComma)
            {
                throw Bad("the shape is not a tuple: a one-element shape is written (n,)");
            }
            _pos++;
            return dims.ToArray();
        }

        private int ReadDimension()
        {
            int start = _pos;
            while (_pos < text.Length && text[_pos] is not (',' or ')') && !char.IsWhiteSpace(text[_pos]))
            {
                _pos++;
            }
            string token = text[start.._pos];
            if (token.Length > 0 && token.All(char.IsAsciiDigit))
            {
                return int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out int d)
                    ? d
                    : throw Bad($"dimension {token} is too large");
            }
            throw Bad($"dimension '{token}' is not a non-negative integer");
        }

        private int Peek() => _pos < text.Length ? text[_pos] : -1;

        private void Expect(char c)
        {
            if (Peek() != c)
            {
                throw Bad($"expected '{c}'");
            }
            _pos++;
        }

        private void SkipSpace()
        {
            while (_pos < text.Length && char.IsWhiteSpace(text[_pos]))
            {
                _pos++;
            }
        }

        private InvalidInputFileException Bad(string why) =>
            new(file, $"unreadable .npy header: {why} at character {_pos} of {Excerpt()}");

        private InvalidInputFileException Missing(string key) =>
            new(file, $"unreadable .npy header: no '{key}' key in {Excerpt()}");

        private string Excerpt() => text.Length <= 80 ? text : text[..80] + "…";
    }
}
