using System.Text;

namespace HyperQueue.Scheduler.Cli;

/// <summary>A plain-text table for terminal output: left-aligned columns two spaces apart, no trailing spaces.</summary>
internal sealed class TextTable(params string[] headers)
{
    private readonly List<string[]> rows = [headers];

    public int RowCount => rows.Count - 1;

    public void AddRow(params string[] cells)
    {
        if (cells.Length != headers.Length)
        {
            throw new ArgumentException($"a row has {cells.Length} cells; the table has {headers.Length} columns", nameof(cells));
        }

        rows.Add(cells);
    }

    /// <summary>Appends the header and every row, each line starting with <paramref name="indent"/>.</summary>
    public void AppendTo(StringBuilder output, string indent = "")
    {
        ArgumentNullException.ThrowIfNull(output);
        var widths = Enumerable.Range(0, headers.Length).Select(column => rows.Max(row => row[column].Length)).ToArray();
        foreach (var row in rows)
        {
            var line = new StringBuilder(indent);
            for (var column = 0; column < row.Length; column++)
            {
                line.Append(column == row.Length - 1 ? row[column] : row[column].PadRight(widths[column] + 2));
            }

            output.AppendLine(line.ToString().TrimEnd());
        }
    }
}
