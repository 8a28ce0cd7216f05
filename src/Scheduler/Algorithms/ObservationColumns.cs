using HyperQueue.Contracts;
using HyperQueue.Scheduler.Spaces;

namespace HyperQueue.Scheduler.Algorithms;

/// <summary>
/// The observations TPE learns from, stored by column: per row (ok, failed or pending trial, in trial order) its loss,
/// per numeric parameter its model-space value and the active rows sorted by (value, row), per categorical parameter its
/// category. The columns only grow, so a model can be fitted in time linear in the history without sorting again.
/// </summary>
internal sealed class ObservationColumns
{
    // Beyond this many new rows a full re-sort is cheaper than one sorted insertion per row.
    private const int MaxInsertions = 64;

    private readonly Hyperparameter[] parameters;
    private readonly NumericDomain?[] domains;
    private readonly double[][] numbers;
    private readonly int[][] categories;
    private readonly int[][] sortedRows;
    private readonly int[] activeCounts;
    private double[] losses;

    private ObservationColumns(SearchSpace space, int capacity)
    {
        Space = space;
        parameters = [.. space.Parameters];
        domains = [.. parameters.Select(p => ParameterModel.IsCategorical(p) ? null : ParameterModel.NumericDomainOf(p))];
        capacity = Math.Max(capacity, 4);
        losses = new double[capacity];
        numbers = new double[parameters.Length][];
        categories = new int[parameters.Length][];
        sortedRows = new int[parameters.Length][];
        activeCounts = new int[parameters.Length];
        for (var p = 0; p < parameters.Length; p++)
        {
            numbers[p] = domains[p] is null ? [] : new double[capacity];
            categories[p] = domains[p] is null ? new int[capacity] : [];
            sortedRows[p] = domains[p] is null ? [] : new int[capacity];
        }
    }

    private ObservationColumns(ObservationColumns source)
    {
        Space = source.Space;
        parameters = source.parameters;
        domains = source.domains;
        Count = source.Count;
        OkCount = source.OkCount;
        HasInactive = source.HasInactive;
        losses = (double[])source.losses.Clone();
        numbers = [.. source.numbers.Select(column => (double[])column.Clone())];
        categories = [.. source.categories.Select(column => (int[])column.Clone())];
        sortedRows = [.. source.sortedRows.Select(column => (int[])column.Clone())];
        activeCounts = (int[])source.activeCounts.Clone();
    }

    public SearchSpace Space { get; }

    public int Count { get; private set; }

    public int OkCount { get; private set; }

    /// <summary>Whether some row has a parameter inactive (a conditional space): the joint model then does not apply.</summary>
    public bool HasInactive { get; private set; }

    public ReadOnlySpan<double> Losses => losses.AsSpan(0, Count);

    /// <summary>The model-space value of numeric parameter <paramref name="parameter"/> per row; NaN where inactive.</summary>
    public ReadOnlySpan<double> Numbers(int parameter) => numbers[parameter].AsSpan(0, Count);

    /// <summary>The rows where numeric parameter <paramref name="parameter"/> was active, by (value, row).</summary>
    public ReadOnlySpan<int> SortedRows(int parameter) => sortedRows[parameter].AsSpan(0, activeCounts[parameter]);

    /// <summary>The category of categorical parameter <paramref name="parameter"/> per row; -1 where inactive or out of range.</summary>
    public ReadOnlySpan<int> Categories(int parameter) => categories[parameter].AsSpan(0, Count);

    public NumericDomain? DomainOf(int parameter) => domains[parameter];

    /// <summary>Whether parameter <paramref name="parameter"/> had a (valid) value in row <paramref name="row"/>.</summary>
    public bool IsActive(int parameter, int row) =>
        domains[parameter] is null ? categories[parameter][row] >= 0 : !double.IsNaN(numbers[parameter][row]);

    /// <summary>The rows of <paramref name="history"/> (cancelled trials left out), sorted in bulk.</summary>
    public static ObservationColumns From(SearchSpace space, IReadOnlyList<TrialObservation> history, int start = 0, ObservationColumns? extend = null)
    {
        var columns = extend ?? new ObservationColumns(space, history.Count);
        var firstNewRow = columns.Count;
        for (var i = start; i < history.Count; i++)
        {
            var trial = history[i];
            switch (trial.Status)
            {
                case TrialStatus.Ok when trial.Loss is { } loss && !double.IsNaN(loss):
                    columns.AppendRow(trial.Values, loss);
                    columns.OkCount++;
                    break;
                case TrialStatus.Ok or TrialStatus.Fail:
                    // A NaN or missing loss is a failure: the worst observation, never a crash.
                    columns.AppendRow(trial.Values, double.PositiveInfinity);
                    break;
            }
        }

        columns.Index(firstNewRow);
        return columns;
    }

    /// <summary>A copy that pending or just-suggested points can be added to without touching the cached history.</summary>
    public ObservationColumns Clone() => new(this);

    /// <summary>Adds a point as the worst observation (a failure, or a pending point under the constant liar).</summary>
    public void AddWorst(IReadOnlyDictionary<string, double?> point)
    {
        var firstNewRow = Count;
        AppendRow(point, double.PositiveInfinity);
        Index(firstNewRow);
    }

    private void AppendRow(IReadOnlyDictionary<string, double?> point, double loss)
    {
        if (Count == losses.Length)
        {
            Grow();
        }

        var row = Count++;
        losses[row] = loss;
        for (var p = 0; p < parameters.Length; p++)
        {
            var value = ObservationTable.ValueOf(point, parameters[p].Label);
            if (domains[p] is { } domain)
            {
                numbers[p][row] = value is { } number ? domain.ToModel(number) : double.NaN;
                HasInactive |= value is null;
            }
            else
            {
                var category = value is { } raw ? ParameterModel.ToCategory(parameters[p], raw) : -1;
                categories[p][row] = category >= 0 && category < ParameterModel.CategoryCount(parameters[p]) ? category : -1;
                HasInactive |= categories[p][row] < 0;
            }
        }
    }

    /// <summary>Brings the sorted rows up to date with the rows from <paramref name="firstNewRow"/> on.</summary>
    private void Index(int firstNewRow)
    {
        for (var p = 0; p < parameters.Length; p++)
        {
            if (domains[p] is null)
            {
                continue;
            }

            var column = numbers[p];
            var sorted = sortedRows[p];
            if (Count - firstNewRow > MaxInsertions)
            {
                activeCounts[p] = SortAll(column, sorted, Count);
                continue;
            }

            for (var row = firstNewRow; row < Count; row++)
            {
                if (!double.IsNaN(column[row]))
                {
                    // The new row is the largest row index, so it goes after every equal value: (value, row) order.
                    var position = UpperBound(column, sorted, activeCounts[p], column[row]);
                    Array.Copy(sorted, position, sorted, position + 1, activeCounts[p] - position);
                    sorted[position] = row;
                    activeCounts[p]++;
                }
            }
        }
    }

    private static int SortAll(double[] column, int[] sorted, int count)
    {
        var active = 0;
        for (var row = 0; row < count; row++)
        {
            if (!double.IsNaN(column[row]))
            {
                sorted[active++] = row;
            }
        }

        var keys = new double[active];
        for (var i = 0; i < active; i++)
        {
            keys[i] = column[sorted[i]];
        }

        Array.Sort(keys, sorted, 0, active);

        // Array.Sort is not stable: equal values get their rows back in ascending order, as sorted insertion gives.
        for (var start = 0; start < active;)
        {
            var end = start + 1;
            while (end < active && keys[end] == keys[start])
            {
                end++;
            }

            if (end - start > 1)
            {
                Array.Sort(sorted, start, end - start);
            }

            start = end;
        }

        return active;
    }

    private static int UpperBound(double[] column, int[] sorted, int count, double value)
    {
        int low = 0, high = count;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (column[sorted[middle]] <= value)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    private void Grow()
    {
        var capacity = losses.Length * 2;
        Array.Resize(ref losses, capacity);
        for (var p = 0; p < parameters.Length; p++)
        {
            if (domains[p] is null)
            {
                Array.Resize(ref categories[p], capacity);
            }
            else
            {
                Array.Resize(ref numbers[p], capacity);
                Array.Resize(ref sortedRows[p], capacity);
            }
        }
    }
}
