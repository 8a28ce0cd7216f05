// The main job: tune ML.NET FastTree on the Wine Quality data with HyperQueue.
//   dotnet run -c Release --project examples/WineQuality                      embedded: in-process workers, SQLite runs
//   dotnet run -c Release --project examples/WineQuality -- worker --broker amqp://guest:guest@host:5672/ --redis host:6379
//   dotnet run -c Release --project examples/WineQuality -- --broker amqp://... --redis host:6379 [--tracking URI]
using HyperQueue.Scheduler.Algorithms;
using HyperQueue.Scheduler.Dispatch;
using HyperQueue.Scheduler.Hosting;
using HyperQueue.Scheduler.Optimization;
using HyperQueue.Tracking.Client;
using HyperQueue.Worker.Hosting;
using HyperQueue.WineQuality;

var options = ExampleOptions.Parse(args);
var model = new WineQualityModel(WineQualityModel.DefaultDataPath);
var objective = new WineQualityObjective(model);

if (options.Worker)
{
    await WorkerHost.RunAsync(
        new WorkerHostSettings
        {
            Broker = options.Broker!,
            Redis = options.Redis!,
            TrackingUri = options.Tracking,
            Slots = options.Parallelism,
            ConfigureWorker = worker => worker.AddObjective(WineQualityObjective.Name, objective.EvaluateAsync),
        },
        CancellationToken.None);
    return 0;
}

var baseline = model.Rmse(FastTreeSettings.Default, CancellationToken.None);
Console.WriteLine($"Untuned FastTree (ML.NET defaults): RMSE {baseline:F4} on the held-out 20 %");

await using var backend = options.Broker is null
    ? await QueueBackend.StartEmbeddedAsync(worker => worker.AddObjective(WineQualityObjective.Name, objective.EvaluateAsync), options.Parallelism)
    : await QueueBackend.ConnectAsync(options.Broker, options.Redis!);
await using var tracking = TrackingClient.Create(options.Tracking);
await tracking.InitializeAsync();

var trials = new QueueTrials(backend, WineQualityObjective.Name, parallelism: options.Parallelism);
var result = await FMin.MinimizeAsync(
    trials,
    WineQualitySpace.Create(),
    algo: Algo.Tpe(),
    maxEvals: options.MaxEvals,
    seed: 1,
    tracking: tracking,
    experimentName: "wine-quality-fasttree");

Console.WriteLine($"Best RMSE {result.BestLoss:F4} (untuned {baseline:F4}, {(baseline - result.BestLoss) / baseline:P1} lower) at trial {result.BestTrial.Number}:");
foreach (var (name, value) in HyperQueue.Tracking.Runs.ParamValue.Flatten(result.BestTrial.Parameters.Json))
{
    Console.WriteLine($"  {name} = {value}");
}

Console.WriteLine($"Runs are in {options.Tracking}; browse them with: dotnet run --project src/Scheduler -- ui --tracking {options.Tracking}");
return result.BestLoss < baseline ? 0 : 1;
