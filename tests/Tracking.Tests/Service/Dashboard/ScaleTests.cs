using HyperQueue.Tracking.Service.Dashboard;

namespace HyperQueue.Tracking.Tests.Service.Dashboard;

public sealed class ScaleTests
{
    [Fact]
    public void Fit_ValuesSpanningThreeDecades_IsLogarithmicWithDecadeTicks()
    {
        var scale = Scale.Fit([0.0002, 0.003, 0.09], 0, 300);

        Assert.True(scale.IsLogarithmic);
        Assert.Equal([1e-4, 1e-3, 1e-2, 1e-1], scale.Ticks().Select(tick => Math.Round(tick, 10)));

        // Log10 domain [-4, -1] onto [0, 300]: 1e-3 sits a third of the way.
        Assert.Equal(100, scale.Map(1e-3), 9);
    }

    [Fact]
    public void Fit_LinearValues_TicksAreRoundAndInsideThePaddedDomain()
    {
        // Domain 0..1 padded by 5% each side: [-0.05, 1.05]; about 5 ticks gives steps of 0.2.
        var scale = Scale.Fit([0.0, 0.5, 1.0], 0, 110);

        Assert.False(scale.IsLogarithmic);
        Assert.Equal([0, 0.2, 0.4, 0.6, 0.8, 1.0], scale.Ticks().Select(tick => Math.Round(tick, 10)));
        Assert.Equal(5, scale.Map(0), 9);
    }

    [Fact]
    public void Fit_OneValue_CentersIt()
    {
        var scale = Scale.Fit([3.0, 3.0], 0, 100);

        Assert.Equal(50, scale.Map(3), 9);
    }

    [Fact]
    public void Fit_NoFiniteValues_StillMaps()
    {
        var scale = Scale.Fit([double.NaN, double.PositiveInfinity], 0, 100);

        Assert.Equal(0, scale.Map(0), 9);
        Assert.NotEmpty(scale.Ticks());
    }

    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(0.25, "0.25")]
    [InlineData(1e-4, "1E-4")]
    [InlineData(250000.0, "2.5E+5")]
    public void Label_Value_IsShortAndInvariant(double value, string label) => Assert.Equal(label, Scale.Label(value));
}
