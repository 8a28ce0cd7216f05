using Dapper;
using HyperQueue.Contracts;
using HyperQueue.Integration.Tests.Distributed;
using HyperQueue.Scheduler.Algorithms;
using HyperQueue.Scheduler.Optimization;
using HyperQueue.TestInfrastructure.Services;
using HyperQueue.Tracking.Client;
using Npgsql;

namespace HyperQueue.Integration.Tests.Reliability;

/// <summary>
/// The Postgres tracking store losing its connections while fmin records runs and trials: every server backend of
/// the test's database is terminated again and again (pg_terminate_backend from a second connection).
/// </summary>
public sealed class PostgresConnectionLossTests(TestServices services) : IDisposable
{
    private const int MaxEvals = 40;
    private readonly DirectoryInfo _artifacts = Directory.CreateTempSubdirectory("hq-pg-loss-");

    public void Dispose() => _artifacts.Delete(recursive: true);

    // A fault that loses a trial hangs fmin: fail after a generous bound instead of blocking the run.
    [Fact(Timeout = 180_000)]
    public async Task MinimizeAsync_BackendsTerminatedDuringTrackingWrites_RetriesAndStoresEveryRunAndTrialOnce()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        // A database of this test's own: terminating its backends touches no other test.
        var connectionString = await services.Postgres.CreateDatabaseAsync(cancellationToken);
        await using var tracking = TrackingClient.Create(connectionString, _artifacts.FullName);
        await tracking.InitializeAsync(cancellationToken);
        using var stopKilling = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var killer = new BackendKiller(connectionString);
        var killing = killer.RunAsync(stopKilling.Token);
        // The store's pooled connection from the migration is the first victim; a killer that failed says why here.
        await (await Task.WhenAny(killer.FirstKill, killing).WaitAsync(TimeSpan.FromSeconds(30), cancellationToken));
        var trials = new Trials();

        var result = await FMin.MinimizeAsync(
            parameters => parameters.GetDouble("x"), DistributedScenarios.Space, Algo.Rand(), maxEvals: MaxEvals, trials: trials, seed: 31,
            showProgress: false, tracking: tracking, experimentName: "connection-loss", cancellationToken: cancellationToken);
        await stopKilling.CancelAsync();
        await killing;

        Assert.Equal(StopReason.MaxEvals, result.StopReason);
        ExactTrials.AssertAllOkOnce(trials, MaxEvals);
        // The writes really ran into dead connections: backends were terminated while fmin ran, after the first one.
        Assert.True(killer.Terminated > 1, $"only {killer.Terminated} backends were terminated");
        var experiment = await tracking.GetExperimentByNameAsync("connection-loss", cancellationToken);
        Assert.NotNull(experiment);
        var stored = await tracking.ListTrialsAsync(experiment.ExperimentId, cancellationToken: cancellationToken);
        Assert.Equal(trials.All.Select(trial => trial.Id).Order(), stored.Select(trial => trial.TrialId).Order());
        Assert.Equal(Enumerable.Range(0, MaxEvals), stored.Select(trial => trial.Number).Order());
        Assert.All(stored, trial => Assert.Equal(TrialStatus.Ok, trial.Status));
        await using var connection = new NpgsqlConnection(connectionString);
        // One parent run and one child run per trial, one loss point per child, and no row twice.
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM runs WHERE parent_run_id IS NULL"));
        Assert.Equal(MaxEvals, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM runs WHERE parent_run_id IS NOT NULL"));
        Assert.Equal(MaxEvals, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM metrics WHERE key = 'loss'"));
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM (SELECT run_id, key, step, timestamp, value FROM metrics GROUP BY run_id, key, step, timestamp, value HAVING COUNT(*) > 1) AS twice"));
    }

    /// <summary>Terminates every other backend of the database every 250 ms, counting them.</summary>
    /// <remarks>
    /// Outages, not a siege: a write takes a few milliseconds, so most retries land between two kills, while fmin's
    /// 40 trials of a few writes each span many kills.
    /// </remarks>
    private sealed class BackendKiller(string connectionString)
    {
        private static readonly TimeSpan KillInterval = TimeSpan.FromMilliseconds(250);
        private readonly TaskCompletionSource _firstKill = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private long _terminated;

        public Task FirstKill => _firstKill.Task;

        public long Terminated => Interlocked.Read(ref _terminated);

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            var database = new NpgsqlConnectionStringBuilder(connectionString).Database;
            // Its own connection is not pooled with the store's and is spared by pg_backend_pid().
            await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            try
            {
                while (true)
                {
                    var killed = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                        // CASE fixes the order: a plain AND may terminate this very backend before comparing the pid.
                        """
                        SELECT COALESCE(SUM(CASE WHEN pid = pg_backend_pid() THEN 0 WHEN pg_terminate_backend(pid) THEN 1 ELSE 0 END), 0)
                        FROM pg_stat_activity WHERE datname = @Database
                        """,
                        new { Database = database },
                        cancellationToken: cancellationToken));
                    if (killed > 0 && Interlocked.Add(ref _terminated, killed) == killed)
                    {
                        _firstKill.TrySetResult();
                    }

                    await Task.Delay(KillInterval, cancellationToken);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }
        }
    }
}
