import Foundation

/// One response kept for OpenAI's Responses API (`store: true`): what `GET /v1/responses/{id}` serves, and the
/// conversation a later request continues with `previous_response_id`.
public struct StoredResponse: Sendable, Equatable {
    /// The response's id, `resp_...`.
    public var id: String
    public var model: String
    /// When the response was created, in unix seconds; its age for expiry counts from here.
    public var createdAt: Int
    /// The response this one continued, if any.
    public var previousResponseID: String?
    /// The Response object's JSON exactly as served.
    public var response: Data
    /// A JSON array of the whole conversation's items up to and including this response's output; the store does
    /// not look inside.
    public var conversation: Data

    public init(id: String, model: String, createdAt: Int, previousResponseID: String? = nil, response: Data,
                conversation: Data)
    {
        self.id = id
        self.model = model
        self.createdAt = createdAt
        self.previousResponseID = previousResponseID
        self.response = response
        self.conversation = conversation
    }
}
