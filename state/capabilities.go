package state

import "context"

// Engine methods for optional capabilities: they check what the agent
// typed and ask the platform, or say in words that it cannot.

// SavedResponses lists the platform's saved responses (SavedResponder).
func (e *Engine) SavedResponses(ctx context.Context) ([]SavedResponse, error) {
	sr, ok := e.be.(SavedResponder)
	if !ok {
		return nil, e.errNoCapability("keep saved responses")
	}
	return sr.SavedResponses(ctx)
}

// SetConversationTags replaces a conversation's tags on the platform
// (ConversationTagger), cleaned as contact tags are (NormalizeTags). Once
// the platform has accepted them the store has them too
// (Conversation.Tags), and the change is published.
func (e *Engine) SetConversationTags(ctx context.Context, conversationID string, tags []string) error {
	tags, err := NormalizeTags(tags)
	if err != nil {
		return err
	}
	tg, ok := e.be.(ConversationTagger)
	if !ok {
		return e.errNoCapability("tag conversations")
	}
	if IsNewConversation(conversationID) {
		return &InputError{"this conversation starts when " + e.platformName() + " accepts its first template; tag it after that"}
	}
	e.touch()
	if err := tg.SetConversationTags(ctx, conversationID, tags); err != nil {
		return err
	}
	// Accepted: the store follows at once (the platform's spelling comes
	// with the next sync or event).
	changed, err := e.store.SetConversationTags(conversationID, tags)
	if err != nil {
		return err
	}
	if changed {
		e.bus.publish(Changes{Conversations: idSet([]string{conversationID}), List: true})
	}
	return nil
}
