using System.Text;

namespace HyperQueue.Worker.Commands;

/// <summary>
/// Reads a program's output line by line, holding at most <c>maxLineLength</c> characters of any one line:
/// <see cref="TextReader.ReadLineAsync()"/> keeps a line that never ends in memory until the worker runs out of it.
/// A longer line is returned cut to its first <c>maxLineLength</c> characters, marked <see cref="OutputLine.IsCut"/>,
/// and the rest of it is read and dropped. Lines end as <see cref="TextReader.ReadLine"/>'s do: at "\n", "\r" or "\r\n".
/// </summary>
internal sealed class BoundedLineReader(TextReader reader, int maxLineLength)
{
    private readonly char[] buffer = new char[4096];
    private readonly StringBuilder line = new();
    private int position;
    private int length;
    private bool lineFeedMayFollow;

    /// <summary>The next line, or null at the end of the output.</summary>
    public async ValueTask<OutputLine?> ReadLineAsync(CancellationToken cancellationToken = default)
    {
        line.Clear();
        var cut = false;
        while (true)
        {
            if (position == length)
            {
                length = await reader.ReadAsync(buffer.AsMemory(), cancellationToken);
                position = 0;
                if (length == 0)
                {
                    return line.Length > 0 || cut ? new OutputLine(line.ToString(), cut) : null;
                }
            }

            if (lineFeedMayFollow)
            {
                // The previous line ended with "\r"; a "\n" right after it belongs to the same line end.
                lineFeedMayFollow = false;
                if (buffer[position] == '\n')
                {
                    position++;
                    continue;
                }
            }

            var pending = buffer.AsSpan(position, length - position);
            var end = pending.IndexOfAny('\n', '\r');
            var text = end < 0 ? pending : pending[..end];
            var room = maxLineLength - line.Length;
            if (text.Length > room)
            {
                cut = true;
                text = text[..room];
            }

            line.Append(text);
            if (end < 0)
            {
                position = length;
                continue;
            }

            lineFeedMayFollow = pending[end] == '\r';
            position += end + 1;
            return new OutputLine(line.ToString(), cut);
        }
    }
}

/// <summary>A line of a program's output; <paramref name="IsCut"/> when it was longer than the reader keeps.</summary>
internal readonly record struct OutputLine(string Text, bool IsCut);
