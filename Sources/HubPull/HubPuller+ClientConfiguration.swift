import AsyncHTTPClient

extension HubPuller {
    /// The `HTTPClient` configuration a puller works best with: redirects left to the puller (the token stays on the
    /// Hub's origin), a refused connection reported at once (the puller retries with its own back-off instead of the
    /// client retrying until its connect timeout), a read timeout that catches stalled transfers, and a connection
    /// per parallel download.
    public static func clientConfiguration(parallelDownloads: Int = 4) -> HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(60))
        configuration.connectionPool = .init(idleTimeout: .seconds(30),
                                             concurrentHTTP1ConnectionsPerHostSoftLimit: max(parallelDownloads, 1) + 2)
        configuration.connectionPool.retryConnectionEstablishment = false
        return configuration
    }
}
