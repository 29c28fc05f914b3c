/// One message of a chat request as the gateway's chat template sees it: a role and plain text (text content
/// parts joined with ""), with the optional participant `name`.
public struct ChatMessage: Sendable, Equatable {
    /// The roles the gateway accepts; OpenAI's `developer` arrives as `system`.
    public enum Role: String, Sendable, Equatable {
        case system
        case user
        case assistant
    }

    public var role: Role
    public var content: String
    public var name: String?

    public init(role: Role, content: String, name: String? = nil) {
        self.role = role
        self.content = content
        self.name = name
    }
}
