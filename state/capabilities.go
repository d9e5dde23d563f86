package state

import "context"

// Engine methods for optional capabilities: they check what the agent
// typed and ask the platform, or say in words that it cannot.

// SavedResponses lists the platform's saved responses (SavedResponder),
// then the agent's own (Config.Responses). With none anywhere the error
// is a *NoSavedResponsesError saying where to write them.
func (e *Engine) SavedResponses(ctx context.Context) ([]SavedResponse, error) {
	sr, ok := e.be.(SavedResponder)
	local := e.cfg.Responses
	if !ok && local == nil {
		return nil, e.errNoCapability("keep saved responses")
	}
	var out []SavedResponse
	if ok {
		platform, err := sr.SavedResponses(ctx)
		if err != nil {
			return nil, err
		}
		out = platform
	}
	if local != nil {
		mine, err := local.Read()
		if err != nil {
			return nil, err
		}
		out = append(out, mine...)
	}
	if len(out) == 0 {
		ne := &NoSavedResponsesError{Platform: ok}
		if local != nil {
			ne.File = local.Path
		}
		return nil, ne
	}
	return out, nil
}

// LocalResponses are saved responses kept in a file of the agent's: Read
// parses it (nil, nil when there is no file yet). The format is the
// caller's (mbx's is TOML); state only asks for the list.
type LocalResponses struct {
	Path string
	Read func() ([]SavedResponse, error)
}

// NoSavedResponsesError: there are no saved responses on the platform
// (Platform: it keeps them) or in the agent's file (File: where to write
// them; "" without one).
type NoSavedResponsesError struct {
	Platform bool
	File     string
}

func (e *NoSavedResponsesError) Error() string {
	switch {
	case e.File != "" && e.Platform:
		return "there are no saved responses yet: add them in the platform's web inbox, or write your own in " + e.File
	case e.File != "":
		return "there are no saved responses yet: write them in " + e.File + " (README, Saved responses)"
	}
	return "there are no saved responses yet: add them in the platform's web inbox"
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
