namespace HyperQueue.Tracking.Stores;

internal enum TrackingStoreKind
{
    Sqlite,
    Postgres,
}
