using System.Text;

namespace HyperQueue.Worker.Commands;

/// <summary>
/// Keeps the last lines of a stream within a line and character budget, so a failed trial carries the end of
/// stderr (where the error usually is) without holding a chatty program's whole output.
/// </summary>
internal sealed class OutputTail(int maxLines, int maxChars)
{
    private readonly Queue<string> lines = new();
    private readonly Lock gate = new();
    private int chars;
    private bool truncated;

    public void Add(string line)
    {
        lock (gate)
        {
            if (line.Length >= maxChars)
            {
                // Room for its newline, which counts too: a line of maxChars would otherwise push itself out.
                line = line[^(maxChars - 1)..];
                truncated = true;
            }

            lines.Enqueue(line);
            chars += line.Length + 1;
            while (lines.Count > maxLines || chars > maxChars)
            {
                chars -= lines.Dequeue().Length + 1;
                truncated = true;
            }
        }
    }

    public override string ToString()
    {
        lock (gate)
        {
            var text = new StringBuilder();
            if (truncated)
            {
                text.Append("...\n");
            }

            text.AppendJoin('\n', lines);
            return text.ToString();
        }
    }
}
