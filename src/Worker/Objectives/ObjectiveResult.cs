using HyperQueue.Contracts;

namespace HyperQueue.Worker.Objectives;

/// <summary>
/// What an objective returns: a loss, or hyperopt's result dictionary
/// (<c>{loss, status, loss_variance, true_loss, attachments}</c>). A plain number converts implicitly.
/// </summary>
public sealed record ObjectiveResult
{
    /// <summary>The loss to minimize; required for status ok (finite or +infinity), optional for fail.</summary>
    public double? Loss { get; init; }

    public TrialStatus Status { get; init; } = TrialStatus.Ok;

    public double? LossVariance { get; init; }

    public double? TrueLoss { get; init; }

    public IReadOnlyDictionary<string, string>? Attachments { get; init; }

    /// <summary>Why a failed trial failed; null for an ok trial.</summary>
    public TrialError? Error { get; init; }

    public static ObjectiveResult Ok(double loss) => new() { Loss = loss };

    public static ObjectiveResult Fail(string reason, string type = "fail") =>
        new() { Status = TrialStatus.Fail, Error = new TrialError(type, reason) };

    public static ObjectiveResult Cancelled(string reason) =>
        new() { Status = TrialStatus.Cancelled, Error = new TrialError("cancelled", reason) };

    /// <summary>A failed trial that keeps the objective's exception type and message.</summary>
    public static ObjectiveResult FromException(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return new() { Status = TrialStatus.Fail, Error = new TrialError(exception.GetType().FullName ?? "Exception", exception.Message) };
    }

    public static implicit operator ObjectiveResult(double loss) => Ok(loss);

    public static ObjectiveResult FromDouble(double loss) => Ok(loss);

    /// <summary>
    /// Applies hyperopt's rules to what the objective returned: ok needs a loss that is finite or +infinity
    /// (NaN and -infinity fail with the reason), a loss variance that is finite and not negative, and a true loss
    /// that is a loss. Cancelled and fail keep their status and reason; a non-finite variance or true loss they
    /// carry is dropped, since no store can hold a NaN.
    /// </summary>
    public ObjectiveResult Normalize()
    {
        if (Status != TrialStatus.Ok)
        {
            return IsVariance(LossVariance) && IsLoss(TrueLoss)
                ? this
                : this with { LossVariance = IsVariance(LossVariance) ? LossVariance : null, TrueLoss = IsLoss(TrueLoss) ? TrueLoss : null };
        }

        var invalid = Loss switch
        {
            null => "status ok requires a loss, and none was given",
            double.NaN => "loss is NaN",
            double.NegativeInfinity => "loss is -infinity",
            _ when !IsVariance(LossVariance) => $"loss_variance is {Format(LossVariance!.Value)}; it must be a finite number, zero or more",
            _ when !IsLoss(TrueLoss) => $"true_loss is {Format(TrueLoss!.Value)}; like the loss it must be a number or +infinity",
            _ => null,
        };
        return invalid is null
            ? this
            : this with { Status = TrialStatus.Fail, Loss = null, LossVariance = null, TrueLoss = null, Error = new TrialError("invalid_result", invalid) };
    }

    private static bool IsVariance(double? variance) => variance is not { } v || (double.IsFinite(v) && v >= 0);

    private static bool IsLoss(double? loss) => loss is not { } l || !(double.IsNaN(l) || double.IsNegativeInfinity(l));

    private static string Format(double value) => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}
