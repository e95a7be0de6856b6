namespace FlowBalance.Actors.Configuration;

public sealed partial class HoconOutline
{
    private sealed class Scanner(string text, HoconOutline outline)
    {
        private readonly Stack<Frame> _stack = new();
        private int _pos;
        private int _line = 1;
        private int _separatorLine;
        private bool _rootSeen;
        private int _values;
        private bool _substitution; // the last token read was ${…}
        private bool _quoted; // the last token read was a quoted string
        private (string Key, bool Quoted, int Start)? _field; // the top-level field being read

        public void Run()
        {
            _stack.Push(new Frame('\0', 1, "", isArray: false, depth: 0)); // the root object may omit braces
            while (_pos < text.Length && outline._errors.Count == 0)
            {
                Step();
            }
            if (outline._errors.Count > 0) return;
            EndField(_stack.Peek(), text.Length);
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
                    if (frame.State == Expect.AfterValue) EndField(frame, _pos);
                    _line++;
                    _pos++;
                    if (frame.State == Expect.AfterValue) frame.State = frame.IsArray ? Expect.Value : Expect.Key;
                    return;
                case '\r':
                    // Akka's parser ends a value at a lone '\r' as at a line break.
                    if (frame.State == Expect.AfterValue) EndField(frame, _pos);
                    _pos++;
                    if (frame.State == Expect.AfterValue) frame.State = frame.IsArray ? Expect.Value : Expect.Key;
                    return;
                case ' ' or '\t':
                case '\uFEFF' when _pos == 0:
                    _pos++;
                    return;
                case var special when char.IsWhiteSpace(special) || special == '\uFEFF':
                    // Akka's parser joins the parts of a value across ' ' and '\t' only; after any other
                    // space it reads the next part as a key and loses track of where objects end.
                    Error(_line, $"U+{(int)special:X4} (a special space) is not allowed outside quotes; use a plain space");
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
                    if (frame.State == Expect.AfterValue) EndField(frame, _pos);
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
                    // Akka's parser reads "a += 1" as the key "a +" set to 1.
                    Error(_line, $"'+=' is not supported; write the whole list: {frame.PendingKey} = [ ... ]");
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
            if (!CountValue()) return;
            string? path;
            var depth = frame.Depth + 1;
            if (frame.IsArray)
            {
                if (!WithinDepth(depth)) return;
                if (frame.State == Expect.AfterValue) // concatenation: [ [1] [2] ]
                {
                    Part(frame, composite: true);
                    _stack.Push(new Frame(c, _line, frame.Path, c == '[', depth) { OpenPos = _pos });
                    _pos++;
                    return;
                }
                frame.Index++;
                path = $"{frame.Path}[{frame.Index}]";
                BeginValue(frame, _pos, path, _pos);
                Part(frame, composite: true);
            }
            else if (frame.State is Expect.Separator or Expect.Value or Expect.AfterValue) // AfterValue: object concatenation, a = ${x} { ... }
            {
                if (frame.State == Expect.AfterValue && frame.Braced)
                {
                    BracedJoined(frame);
                    return;
                }
                frame.Braced = frame.State == Expect.Separator;
                depth += KeyParts(frame.PendingKey) - 1;
                path = Join(frame.Path, frame.PendingKey);
                if (path is null || !WithinDepth(depth)) return;
                if (frame.State != Expect.AfterValue) BeginValue(frame, frame.KeyStart, frame.KeyPath, _pos);
                Part(frame, composite: true);
            }
            else if (c == '{' && frame.Open == '\0' && !_rootSeen)
            {
                path = ""; // the whole document may be wrapped in braces, as JSON is
                depth = 0;
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
            _stack.Push(new Frame(c, _line, path, c == '[', depth) { OpenPos = _pos });
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
            if (frame.IsArray && frame.Index < 0 && _pos > frame.OpenPos + 1) frame.List ??= NewList(frame); // "[ ]": see HoconSubstitutions
            if (frame.List is { } list)
            {
                list.Close = _pos;
                list.Elements = frame.Index + 1;
            }
            EndField(frame, _pos); // the '}' of a document wrapped in braces
            _stack.Pop();
            _pos++;
        }

        private void Token(Frame frame)
        {
            var start = _line;
            var startPos = _pos;
            var token = ReadToken();
            if (token is null || !CountValue()) return;
            var reference = _substitution ? Reference(token, startPos, start) : null;
            switch (frame.State)
            {
                case Expect.Key:
                    if (reference is not null)
                    {
                        Error(start, $"a substitution ({token}) cannot be a key");
                        return;
                    }
                    if (!_quoted && token.Split('.').Any(part => part.Length == 0))
                    {
                        // Akka's parser reads "a..b" as the key "a" followed by stray dots and loses its place.
                        Error(start, $"'{token}' has an empty part between dots; quote a key that holds dots (\"a.b\")");
                        return;
                    }
                    if (Join(frame.Path, token) is not { } path || !WithinDepth(frame.Depth + KeyParts(token))) return;
                    frame.PendingKey = token;
                    frame.Braced = false;
                    frame.KeyStart = startPos;
                    frame.KeyPath = path;
                    frame.State = Expect.Separator;
                    outline._lines[path] = start;
                    if (frame.Path.Length == 0) outline._rootKeys.Add(token.Split('.')[0]);
                    if (frame.Depth == 0) _field = (token, _quoted, startPos);
                    return;
                case Expect.Separator:
                    Error(start, $"expected ':' or '=' after '{frame.PendingKey}'");
                    return;
                case Expect.Value when frame.IsArray:
                    frame.Index++;
                    var element = $"{frame.Path}[{frame.Index}]";
                    outline._lines[element] = start;
                    BeginValue(frame, startPos, element, startPos);
                    Part(frame, composite: false, reference);
                    frame.State = Expect.AfterValue;
                    return;
                case Expect.AfterValue when frame.Braced:
                    BracedJoined(frame);
                    return;
                default:
                    if (frame.State == Expect.Value) BeginValue(frame, frame.KeyStart, frame.KeyPath, startPos);
                    Part(frame, composite: false, reference);
                    frame.State = Expect.AfterValue; // a value, or a later part of a concatenated value
                    return;
            }
        }

        /// <summary>Records the top-level field being read as ending at <paramref name="end"/>, when <paramref name="frame"/> is the top level.</summary>
        private void EndField(Frame frame, int end)
        {
            if (frame.Depth != 0 || _field is not { } field) return;
            outline._rootFields.Add(new RootField(field.Key, field.Quoted, field.Start, end));
            _field = null;
        }

        private void BracedJoined(Frame frame) =>
            Error(_line, $"'{frame.PendingKey} {{ ... }}' cannot be joined to another value; write {frame.PendingKey} = {{ ... }} ...");

        private HoconSubstitutions.Reference Reference(string token, int startPos, int line)
        {
            var body = token[2..^1];
            var optional = body.StartsWith('?');
            return new HoconSubstitutions.Reference(startPos, _pos, (optional ? body[1..] : body).Trim(), optional, line);
        }

        private HoconSubstitutions.ListSpan NewList(Frame frame)
        {
            var list = new HoconSubstitutions.ListSpan(frame.OpenPos);
            outline._lists.Add(list);
            return list;
        }

        /// <param name="start">The field's key, or the element's first character.</param>
        /// <param name="valueAt">The value's first character.</param>
        private static void BeginValue(Frame frame, int start, string path, int valueAt)
        {
            frame.ValueStart = start;
            frame.ValueAt = valueAt;
            frame.ValuePath = path;
            frame.ValueComposite = frame.ValuePlain = false;
            frame.Site = null;
        }

        /// <summary>Notes one part of the value being read; a value with a substitution becomes a <see cref="HoconSubstitutions.Site"/>.</summary>
        private void Part(Frame frame, bool composite, HoconSubstitutions.Reference? reference = null)
        {
            if (composite) frame.ValueComposite = true;
            else if (reference is null) frame.ValuePlain = true;
            if (reference is not null && frame.Site is null)
            {
                var list = frame.IsArray ? frame.List ??= NewList(frame) : null;
                frame.Site = new HoconSubstitutions.Site(frame.ValueStart, frame.ValuePath, list) { ValueAt = frame.ValueAt };
                outline._substitutions.Add(frame.Site);
            }
            if (frame.Site is not { } site) return;
            site.Composite = frame.ValueComposite;
            site.Plain = frame.ValuePlain;
            if (reference is not null) site.References.Add(reference);
            if (!composite) site.End = _pos;
        }

        /// <summary>Reads a quoted string or an unquoted literal; returns its text (quotes removed).</summary>
        private string? ReadToken()
        {
            _substitution = false;
            _quoted = text[_pos] == '"';
            if (_quoted)
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
                if (end < 0 || text.AsSpan(_pos, end - _pos).Contains('\n')) { Error(_line, "unterminated substitution '${'"); return null; }
                var sub = text[_pos..(end + 1)];
                _pos = end + 1;
                _substitution = true;
                return sub;
            }
            var startPos = _pos;
            while (_pos < text.Length && !IsLiteralEnd(text[_pos]) && !(text[_pos] == '/' && Peek(1) == '/'))
            {
                _pos++;
            }
            if (_pos == startPos) { Error(_line, $"unexpected '{text[_pos]}'"); return null; }
            if (text.AsSpan(startPos, _pos - startPos).IndexOfAny(NotUnquoted) is var bad and >= 0)
            {
                Error(_line, $"'{text[startPos + bad]}' cannot be part of an unquoted key or value; put it in quotes (\"...\")");
                return null;
            }
            return text[startPos.._pos].TrimEnd();
        }

        /// <summary>
        /// Characters HOCON forbids in unquoted text that the outline would otherwise read as part of
        /// a literal. Akka's tokenizer cannot consume them: in a list (<c>[?]</c>, <c>[a\b]</c>) its
        /// parser loops forever without reading on, adding empty elements until memory runs out.
        /// </summary>
        private static readonly System.Buffers.SearchValues<char> NotUnquoted = System.Buffers.SearchValues.Create("`^?!@*&\\");

        private static bool IsLiteralEnd(char c) =>
            c is '\n' or ',' or ':' or '=' or '{' or '}' or '[' or ']' or '#' or '"' or '$' || char.IsWhiteSpace(c);

        private void SkipComment()
        {
            while (_pos < text.Length && text[_pos] != '\n') _pos++;
        }

        private char Peek(int offset) => _pos + offset < text.Length ? text[_pos + offset] : '\0';

        /// <summary>The path of <paramref name="key"/> under <paramref name="parent"/>; null (and an error) when it is too long.</summary>
        private string? Join(string parent, string key)
        {
            var clean = key.Trim('"');
            if (parent.Length + clean.Length >= ConfigLimits.MaxKeyPathLength)
            {
                Error(_line, $"key path longer than {ConfigLimits.MaxKeyPathLength} characters (the limit)");
                return null;
            }
            return parent.Length == 0 ? clean : $"{parent}.{clean}";
        }

        /// <summary>Counts one key, value or opened object or list; false (and an error) past the limit.</summary>
        private bool CountValue()
        {
            if (++_values <= ConfigLimits.MaxValues) return true;
            Error(_line, $"more than {ConfigLimits.MaxValues:N0} keys and values (the limit for one file)");
            return false;
        }

        /// <summary>False (and an error) when <paramref name="depth"/> is past the nesting limit.</summary>
        private bool WithinDepth(int depth)
        {
            if (depth <= ConfigLimits.MaxDepth) return true;
            Error(_line, $"nested more than {ConfigLimits.MaxDepth} levels deep (the limit; objects, lists and each part of a dotted key count)");
            return false;
        }

        /// <summary>How many levels a key adds: <c>a.b.c</c> is three (a quoted key's dots are counted too, which only errs on the safe side).</summary>
        private static int KeyParts(string key) => key.AsSpan().Count('.') + 1;
    }
}
