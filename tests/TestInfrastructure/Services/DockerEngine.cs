namespace HyperQueue.TestInfrastructure.Services;

/// <summary>
/// Whether a Docker engine answers. Checked by looking for its socket (or DOCKER_HOST) rather than by letting
/// Testcontainers probe, which takes seconds to fail on machines that only have the docker client.
/// </summary>
internal static class DockerEngine
{
    public static bool IsAvailable()
    {
        if (Environment.GetEnvironmentVariable("HQ_TEST_NO_DOCKER") == "1")
        {
            return false;
        }

        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOCKER_HOST")))
        {
            return true;
        }

        const string socket = "/var/run/docker.sock";
        if (!File.Exists(socket))
        {
            return false;
        }

        try
        {
            using var client = new System.Net.Sockets.Socket(
                System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
            client.Connect(new System.Net.Sockets.UnixDomainSocketEndPoint(socket));
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }
}
