namespace FlowBalance.Actors.Configuration;

/// <summary>
/// A structural pass over HOCON text before Akka parses it. Akka's parser is lenient (it accepts
/// a key with no value) and can loop forever on an unclosed bracket, so the outline checks
/// nesting, strings and missing values itself, and records the line of every key path so that
/// later validation errors can point at the line that caused them.
/// </summary>
public sealed class HoconOutline
{
    private readonly Dictionary<string, int> _lines = new(StringComparer.Ordinal);
    private readonly List<ConfigError> _errors = [];

    private HoconOutline() { }

    public IReadOnlyList<ConfigError> SyntaxErrors => _errors;

    /// <summary>The line where <paramref name="path"/> (e.g. <c>flowbalance.services[0].backends[1]</c>) was last set.</summary>
    public int? LineOf(string path)
    {
        for (var p = path; p.Length > 0; p = Parent(p))
        {
            if (_lines.TryGetValue(p, out var line)) return line;
        }
        return null;
    }

    public static HoconOutline Scan(string text)
    {
        var outline = new HoconOutline();
        new Scanner(text, outline).Run();
        return outline;
    }

    private static string Parent(string path)
    {
        var cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
        return cut <= 0 ? "" : path[..cut];
    }

    private enum Expect { Key, Separator, Value, AfterValue }

    private sealed class Frame(char open, int line, string path, bool isArray)
    {
        public char Open { get; } = open;
        public int Line { get; } = line;
        public string Path { get; } = path;
        public bool IsArray { get; } = isArray;
        public int Index { get; set; } = -1;
        public string PendingKey { get; set; } = "";
        public Expect State { get; set; } = isArray ? Expect.Value : Expect.Key;
    }

    private sealed class Scanner(string text, HoconOutline outline)
    {
        private readonly Stack<Frame> _stack = new();
        private int _pos;
        private int _line = 1;
        private int _separatorLine;
        private bool _rootSeen;

        public void Run()
        {
            _stack.Push(new Frame('\0', 1, "", isArray: false)); // the root object may omit braces
            while (_pos < text.Length && outline._errors.Count == 0)
            {
                Step();
            }
            if (outline._errors.Count > 0) return;
            var top = _stack.Peek();
            if (top.State == Expect.Value && !top.IsArray)
            {
                Error(_separatorLine, $"'{top.PendingKey}' has no value");
                return;
            }
            while (_stack.Count > 1)
            {
                var open = _stack.Pop();
                Error(open.Line, $"'{open.Open}' opened here is never closed");
            }
        }

        private void Error(int line, string message) => outline._errors.Add(new ConfigError(null, line, message));

        private void Step()
        {
            var c = text[_pos];
            var frame = _stack.Peek();
            if (!char.IsWhiteSpace(c) && c != '\uFEFF' && c != '{' && c != '#' && c != '/') _rootSeen = true;
            switch (c)
            {
                case '\n':
                    _line++;
                    _pos++;
                    if (frame.State == Expect.AfterValue) frame.State = frame.IsArray ? Expect.Value : Expect.Key;
                    return;
                case ' ' or '\t' or '\r' or '\uFEFF':
                    _pos++;
                    return;
                case '#':
                    SkipComment();
                    return;
                case '/' when Peek(1) == '/':
                    SkipComment();
                    return;
                case ',':
                    if (frame.State is Expect.Value && frame.IsArray && frame.Index >= 0 || frame.State is Expect.Separator or Expect.Value && !frame.IsArray)
                    {
                        Error(_line, frame.IsArray ? "unexpected ',' (empty array element)" : $"'{frame.PendingKey}' has no value");
                        return;
                    }
                    frame.State = frame.IsArray ? Expect.Value : Expect.Key;
                    _pos++;
                    return;
                case ':' or '=':
                    if (frame.State != Expect.Separator)
                    {
                        Error(_line, $"unexpected '{c}'");
                        return;
                    }
                    frame.State = Expect.Value;
                    _separatorLine = _line;
                    _pos++;
                    return;
                case '+' when Peek(1) == '=' && frame.State == Expect.Separator:
                    frame.State = Expect.Value;
                    _separatorLine = _line;
                    _pos += 2;
                    return;
                case '{' or '[':
                    Open(frame, c);
                    return;
                case '}' or ']':
                    Close(frame, c);
                    return;
                default:
                    Token(frame);
                    return;
            }
        }

        private void Open(Frame frame, char c)
        {
            string path;
            if (frame.IsArray)
            {
                if (frame.State == Expect.AfterValue) { _pos++; _stack.Push(new Frame(c, _line, frame.Path, c == '[')); return; } // concatenation
                frame.Index++;
                path = $"{frame.Path}[{frame.Index}]";
            }
            else if (frame.State is Expect.Separator or Expect.Value)
            {
                path = Join(frame.Path, frame.PendingKey);
            }
            else if (frame.State == Expect.AfterValue)
            {
                path = Join(frame.Path, frame.PendingKey); // object concatenation: a = ${x} { ... }
            }
            else if (c == '{' && frame.Open == '\0' && !_rootSeen)
            {
                path = ""; // the whole document may be wrapped in braces, as JSON is
            }
            else
            {
                Error(_line, $"unexpected '{c}' where a key was expected");
                return;
            }
            if (c == '[' && frame.State == Expect.Separator)
            {
                Error(_line, $"'{frame.PendingKey}' needs ':' or '=' before '['");
                return;
            }
            if (path.Length > 0) outline._lines[path] = _line;
            _rootSeen = true;
            frame.State = Expect.AfterValue;
            _stack.Push(new Frame(c, _line, path, c == '['));
            _pos++;
        }

        private void Close(Frame frame, char c)
        {
            var expected = frame.Open == '[' ? ']' : '}';
            if (frame.Open == '\0')
            {
                Error(_line, $"unexpected '{c}': nothing is open here");
                return;
            }
            if (c != expected)
            {
                Error(_line, $"expected '{expected}' to close '{frame.Open}' from line {frame.Line}, found '{c}'");
                return;
            }
            if (!frame.IsArray && frame.State is Expect.Separator or Expect.Value)
            {
                Error(frame.State == Expect.Value ? _separatorLine : _line, $"'{frame.PendingKey}' has no value");
                return;
            }
            _stack.Pop();
            _pos++;
        }

        private void Token(Frame frame)
        {
            var start = _line;
            var token = ReadToken();
            if (token is null) return;
            switch (frame.State)
            {
                case Expect.Key:
                    frame.PendingKey = token;
                    frame.State = Expect.Separator;
                    outline._lines[Join(frame.Path, token)] = start;
                    return;
                case Expect.Separator:
                    Error(start, $"expected ':' or '=' after '{frame.PendingKey}'");
                    return;
                case Expect.Value when frame.IsArray:
                    frame.Index++;
                    outline._lines[$"{frame.Path}[{frame.Index}]"] = start;
                    frame.State = Expect.AfterValue;
                    return;
                default:
                    frame.State = Expect.AfterValue; // a value, or a later part of a concatenated value
                    return;
            }
        }

        /// <summary>Reads a quoted string or an unquoted literal; returns its text (quotes removed).</summary>
        private string? ReadToken()
        {
            if (text[_pos] == '"')
            {
                if (Peek(1) == '"' && Peek(2) == '"')
                {
                    var end = text.IndexOf("\"\"\"", _pos + 3, StringComparison.Ordinal);
                    if (end < 0) { Error(_line, "unterminated \"\"\" string"); return null; }
                    _line += text.AsSpan(_pos, end - _pos).Count('\n');
                    var value = text[(_pos + 3)..end];
                    _pos = end + 3;
                    return value;
                }
                var i = _pos + 1;
                while (i < text.Length && text[i] != '"' && text[i] != '\n')
                {
                    i += text[i] == '\\' ? 2 : 1;
                }
                if (i >= text.Length || text[i] != '"') { Error(_line, "unterminated string (missing closing quote)"); return null; }
                var quoted = text[(_pos + 1)..i];
                _pos = i + 1;
                return quoted;
            }
            if (text[_pos] == '$' && Peek(1) == '{')
            {
                var end = text.IndexOf('}', _pos);
                if (end < 0) { Error(_line, "unterminated substitution '${'"); return null; }
                var sub = text[_pos..(end + 1)];
                _pos = end + 1;
                return sub;
            }
            var startPos = _pos;
            while (_pos < text.Length && !IsLiteralEnd(text[_pos]) && !(text[_pos] == '/' && Peek(1) == '/'))
            {
                _pos++;
            }
            if (_pos == startPos) { Error(_line, $"unexpected '{text[_pos]}'"); return null; }
            return text[startPos.._pos].TrimEnd();
        }

        private static bool IsLiteralEnd(char c) =>
            c is '\n' or ',' or ':' or '=' or '{' or '}' or '[' or ']' or '#' or '"' or '$' or ' ' or '\t' or '\r';

        private void SkipComment()
        {
            while (_pos < text.Length && text[_pos] != '\n') _pos++;
        }

        private char Peek(int offset) => _pos + offset < text.Length ? text[_pos + offset] : '\0';

        private static string Join(string parent, string key)
        {
            var clean = key.Trim('"');
            return parent.Length == 0 ? clean : $"{parent}.{clean}";
        }
    }
}
