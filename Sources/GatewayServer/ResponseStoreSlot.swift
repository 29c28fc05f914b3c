import Foundation
import GatewayCore
import Logging
import OpenAIAPI

/// The server's response store (`<data_dir>/responses.sqlite`), opened once at startup, or why it could not be: the
/// server serves either way, and only what needs the store (`store: true`, `previous_response_id`, `GET` and
/// `DELETE /v1/responses/{id}`) is refused with a 503 naming the reason.
enum ResponseStoreSlot: Sendable {
    case open(ResponseStore)
    case unavailable(String)

    /// Opens the store the configuration names (blocks: call it at startup), logging the outcome.
    static func open(configuration: GatewayConfiguration, logger: Logger) -> ResponseStoreSlot {
        do {
            let store = try configuration.openResponseStore()
            logger.info("response store at \(store.path)")
            return .open(store)
        } catch {
            let reason = (error as? ServingError)?.message ?? String(describing: error)
            logger.error("response store unavailable (Responses API storage is off): \(reason)")
            return .unavailable(reason)
        }
    }

    /// The store; a 503 when it could not be opened. `param` names the field that needs it.
    func require(param: String? = nil) throws -> ResponseStore {
        switch self {
        case .open(let store):
            return store
        case .unavailable:
            var error = APIError(.unavailable,
                                 "Stored responses are unavailable on this server: its response store could not be "
                                     + "opened (see the server log). Send 'store': false and no "
                                     + "'previous_response_id' to generate without it.",
                                 param: param, code: "store_unavailable")
            error.retryAfterSeconds = 0
            throw error
        }
    }
}
