using System.Text.Json.Serialization;

namespace HyperQueue.Worker.Registry;

/// <summary>The stored JSON form of a <see cref="WorkerRegistration"/> in Redis.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(WorkerRegistration))]
internal sealed partial class WorkerRegistrationJsonContext : JsonSerializerContext;
