using HyperQueue.Contracts;
using HyperQueue.Worker.Objectives;

namespace HyperQueue.Worker.Tests.BadInput;

/// <summary>Hyperopt's result rules applied to results no store can hold: a NaN or -infinity anywhere in an ok result fails it with the reason.</summary>
public sealed class ObjectiveResultNormalizeTests
{
    [Theory]
    [InlineData(double.NaN, null, "loss_variance is NaN; it must be a finite number, zero or more")]
    [InlineData(double.PositiveInfinity, null, "loss_variance is Infinity; it must be a finite number, zero or more")]
    [InlineData(-0.5, null, "loss_variance is -0.5; it must be a finite number, zero or more")]
    [InlineData(null, double.NaN, "true_loss is NaN; like the loss it must be a number or +infinity")]
    [InlineData(null, double.NegativeInfinity, "true_loss is -Infinity; like the loss it must be a number or +infinity")]
    public void Normalize_OkWithNonFiniteVarianceOrTrueLoss_FailsWithTheFieldAndRule(double? variance, double? trueLoss, string reason)
    {
        var result = new ObjectiveResult { Loss = 1, LossVariance = variance, TrueLoss = trueLoss }.Normalize();

        Assert.Equal(TrialStatus.Fail, result.Status);
        Assert.Equal(new TrialError("invalid_result", reason), result.Error);
        Assert.Null(result.Loss);
        Assert.Null(result.LossVariance);
        Assert.Null(result.TrueLoss);
    }

    [Fact]
    public void Normalize_FailCarryingNaNVariance_KeepsTheReasonAndDropsTheVariance()
    {
        var result = new ObjectiveResult { Status = TrialStatus.Fail, LossVariance = double.NaN, TrueLoss = 2, Error = new TrialError("fail", "diverged") }.Normalize();

        Assert.Equal(TrialStatus.Fail, result.Status);
        Assert.Equal(new TrialError("fail", "diverged"), result.Error);
        Assert.Null(result.LossVariance);
        Assert.Equal(2, result.TrueLoss);
    }

    [Fact]
    public void Normalize_OkWithFiniteVarianceAndInfiniteTrueLoss_Unchanged()
    {
        var ok = new ObjectiveResult { Loss = double.PositiveInfinity, LossVariance = 0, TrueLoss = double.PositiveInfinity };

        Assert.Same(ok, ok.Normalize());
    }
}
