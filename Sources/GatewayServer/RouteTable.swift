import Hummingbird

/// The (method, path pattern) pairs the router serves, so that a request to a known path with the wrong method
/// gets a 405 with `Allow` instead of a 404.
struct RouteTable: Sendable {
    private var routes: [(method: HTTPRequest.Method, path: String, segments: [Substring])] = []

    mutating func add(_ method: HTTPRequest.Method, _ path: String) {
        routes.append((method, path, path.split(separator: "/")))
    }

    /// Every registered (method, path pattern).
    var all: [(method: HTTPRequest.Method, path: String)] { routes.map { ($0.method, $0.path) } }

    /// The methods registered for paths matching `path` (`{name}` segments match any one segment).
    func methods(for path: String) -> [HTTPRequest.Method] {
        let segments = path.split(separator: "/")
        var result: [HTTPRequest.Method] = []
        for route in routes where route.segments.count == segments.count {
            let matches = zip(route.segments, segments).allSatisfy { pattern, segment in
                pattern.hasPrefix("{") || pattern.hasPrefix(":") || pattern == segment
            }
            if matches && !result.contains(route.method) { result.append(route.method) }
        }
        return result
    }
}
