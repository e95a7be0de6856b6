namespace FlowBalance.Actors.Configuration;

public sealed partial class HoconOutline
{
    private enum Expect { Key, Separator, Value, AfterValue }

    private sealed class Frame(char open, int line, string path, bool isArray, int depth)
    {
        public char Open { get; } = open;
        public int Line { get; } = line;
        public string Path { get; } = path;
        public bool IsArray { get; } = isArray;

        /// <summary>Levels of nesting, counting each part of a dotted key (<c>a.b { }</c> is 2).</summary>
        public int Depth { get; } = depth;
        public int Index { get; set; } = -1;
        public string PendingKey { get; set; } = "";
        public Expect State { get; set; } = isArray ? Expect.Value : Expect.Key;

        /// <summary>
        /// The pending key's object came right after it (<c>key { … }</c>, no '=' or ':'). Akka's parser
        /// ends such a field at its '}': a value joined after it is read as part of the enclosing
        /// object, whose end it then mistakes, and inside a list that loops forever.
        /// </summary>
        public bool Braced { get; set; }

        /// <summary>Where its '[' or '{' is in the text.</summary>
        public int OpenPos { get; init; }

        /// <summary>Where the pending key starts in the text, and its path.</summary>
        public int KeyStart { get; set; }
        public string KeyPath { get; set; } = "";

        // The value being read (a field's or the current element's): its parts, for substitutions.
        public int ValueStart { get; set; }
        public int ValueAt { get; set; }
        public string ValuePath { get; set; } = "";
        public bool ValueComposite { get; set; }
        public bool ValuePlain { get; set; }
        public HoconSubstitutions.Site? Site { get; set; }

        /// <summary>Set on a list once one of its elements holds a substitution.</summary>
        public HoconSubstitutions.ListSpan? List { get; set; }
    }
}
