using HyperQueue.TestInfrastructure.Services;

[assembly: AssemblyFixture(typeof(TestServices))]
