using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using HyperQueue.Contracts;

namespace HyperQueue.Scheduler.Optimization;

/// <summary>The file form of <see cref="Trials"/>: versioned, lossless (round-trip doubles, named infinities).</summary>
internal static class TrialsJson
{
    public const string Format = "hyperqueue.trials/1";

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static string Serialize(Guid experimentId, long? seed, IEnumerable<TrialRecord> trials)
    {
        var document = new TrialsDocument
        {
            Format = Format,
            ExperimentId = experimentId,
            Seed = seed,
            Trials = [.. trials.Select(ToDocument)],
        };
        return JsonSerializer.Serialize(document, Options);
    }

    public static (Guid ExperimentId, long? Seed, IReadOnlyList<TrialRecord> Trials) Deserialize(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        TrialsDocument? document;
        try
        {
            document = JsonSerializer.Deserialize<TrialsDocument>(json, Options);
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException($"trials file: {exception.Message}", exception);
        }

        if (document is null)
        {
            throw new InvalidDataException("trials file: the document is null, expected an object");
        }

        if (document.Format != Format)
        {
            throw new InvalidDataException($"trials file: format '{document.Format}' is not supported, expected '{Format}'");
        }

        if (document.ExperimentId == Guid.Empty)
        {
            throw new InvalidDataException("trials file: experimentId is missing or empty, expected the experiment's id");
        }

        var records = new List<TrialRecord>();
        var numbers = new HashSet<int>();
        var ids = new HashSet<Guid>();
        foreach (var (trial, position) in (document.Trials ?? []).Select((trial, position) => (trial, position)))
        {
            var record = FromDocument(trial, position);
            if (!numbers.Add(record.Number))
            {
                throw Invalid(position, "number", record.Number, "must be unique");
            }

            if (!ids.Add(record.Id))
            {
                throw Invalid(position, "id", record.Id, "must be unique");
            }

            records.Add(record);
        }

        return (document.ExperimentId, document.Seed, records);
    }

    private static TrialDocument ToDocument(TrialRecord trial) => new()
    {
        Number = trial.Number,
        Id = trial.Id,
        State = trial.State,
        Status = trial.Status,
        Loss = trial.Loss,
        LossVariance = trial.LossVariance,
        TrueLoss = trial.TrueLoss,
        Vals = new Dictionary<string, double?>(trial.Vals, StringComparer.Ordinal),
        Parameters = trial.Parameters.Json,
        StartedAt = trial.StartedAt,
        EndedAt = trial.EndedAt,
        Error = trial.Error,
        Attachments = trial.Attachments.Count == 0 ? null : new Dictionary<string, string>(trial.Attachments, StringComparer.Ordinal),
        Worker = trial.Worker,
        Attempts = trial.Attempts,
    };

    private static TrialRecord FromDocument(TrialDocument? trial, int position)
    {
        if (trial is null)
        {
            throw Invalid(position, "trial", "null", "must be an object");
        }

        if (trial.Number < 0)
        {
            throw Invalid(position, "number", trial.Number, "must be >= 0");
        }

        if (trial.Vals is null)
        {
            throw Invalid(position, "vals", "null", "must be an object of label to number or null");
        }

        if (trial.Parameters.ValueKind == JsonValueKind.Undefined)
        {
            throw Invalid(position, "parameters", "missing", "must hold the evaluated parameters");
        }

        if (trial.State == TrialState.Completed && trial.Status is null)
        {
            throw Invalid(position, "status", "null", "a completed trial needs a status");
        }

        if (trial.Status == TrialStatus.Ok && trial.Loss is null or double.NaN or double.NegativeInfinity)
        {
            throw Invalid(position, "loss", trial.Loss?.ToString(CultureInfo.InvariantCulture) ?? "null", "an ok trial needs a finite or +infinity loss");
        }

        return new TrialRecord
        {
            Number = trial.Number,
            Id = trial.Id,
            State = trial.State,
            Status = trial.Status,
            Loss = trial.Loss,
            LossVariance = trial.LossVariance,
            TrueLoss = trial.TrueLoss,
            Vals = new Dictionary<string, double?>(trial.Vals, StringComparer.Ordinal),
            Parameters = new TrialParameters(trial.Parameters.Clone()),
            StartedAt = trial.StartedAt,
            EndedAt = trial.EndedAt,
            Error = trial.Error,
            Attachments = trial.Attachments is null
                ? TrialRecord.EmptyAttachments
                : new Dictionary<string, string>(trial.Attachments, StringComparer.Ordinal),
            Worker = trial.Worker,
            Attempts = trial.Attempts ?? 1,
        };
    }

    private static InvalidDataException Invalid(int position, string field, object value, string rule) =>
        new(string.Create(CultureInfo.InvariantCulture, $"trials file: trials[{position}].{field} ({value}) {rule}"));

    private sealed class TrialsDocument
    {
        public string? Format { get; init; }

        public Guid ExperimentId { get; init; }

        public long? Seed { get; init; }

        public List<TrialDocument?>? Trials { get; init; }
    }

    private sealed class TrialDocument
    {
        public int Number { get; init; }

        public Guid Id { get; init; }

        public TrialState State { get; init; }

        public TrialStatus? Status { get; init; }

        public double? Loss { get; init; }

        public double? LossVariance { get; init; }

        public double? TrueLoss { get; init; }

        public Dictionary<string, double?>? Vals { get; init; }

        public JsonElement Parameters { get; init; }

        public DateTimeOffset StartedAt { get; init; }

        public DateTimeOffset? EndedAt { get; init; }

        public TrialError? Error { get; init; }

        public Dictionary<string, string>? Attachments { get; init; }

        public string? Worker { get; init; }

        public int? Attempts { get; init; }
    }
}
