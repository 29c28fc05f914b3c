import GatewayCore

/// One message of a chat request as the chat template sees it: a role, plain text (text content parts joined with
/// ""), the optional participant `name`, an assistant message's `tool_calls` and a tool message's `tool_call_id`.
public typealias ChatMessage = PromptMessage
