using System.Diagnostics;
using HyperQueue.WineQuality;

var model = new WineQualityModel(WineQualityModel.DefaultDataPath);
var clock = Stopwatch.StartNew();
var rmse = model.Rmse(FastTreeSettings.Default, CancellationToken.None);
Console.WriteLine($"default {rmse:F4} in {clock.Elapsed.TotalSeconds:F1}s");
clock.Restart();
rmse = model.Rmse(new FastTreeSettings(64, 500, 0.05, 5, 1.0), CancellationToken.None);
Console.WriteLine($"tuned {rmse:F4} in {clock.Elapsed.TotalSeconds:F1}s");
