package state

import (
	"fmt"
	"slices"
	"strings"
)

// Who the current user is. Three sources, the first that says wins:
//
//  1. the config file's user_id for the account (SetConfiguredUser, at
//     every start);
//  2. the platform (Backend.Me, after each reference refresh), when it
//     can tell from documented data;
//  3. the agent's own answer to "Which of these is you?" (ChooseMe),
//     remembered in the store, so asked once per account.
//
// When none says, the id is "" (no Mine view, no "assign to me") and
// Identity().Ask tells the UI to ask the agent, saying what is missing: a
// Mine view is never silently empty. An id none of the account's users
// has is not taken from the platform or the agent's old answer.

// Meta keys beside metaMe (the id in use, which the write rule reads).
const (
	metaMeChosen  = "session.me_chosen"  // the agent's answer to "Which of these is you?"
	metaMeConfig  = "session.me_config"  // the config file's user_id, as of this start
	metaMeUnknown = "session.me_unknown" // "1": the platform was asked and could not tell
)

// IdentitySource says where the current user's id comes from.
type IdentitySource int

const (
	IdentityUnknown  IdentitySource = iota // nobody has said yet
	IdentityPlatform                       // the platform said
	IdentityChosen                         // the agent chose it when asked
	IdentityConfig                         // the config file's user_id
)

// Identity is who the current user is and how mbx knows.
type Identity struct {
	UserID string // "" unknown
	Source IdentitySource
	// Ask: the platform was asked and could not tell, and neither the
	// config file nor the agent has said: the UI asks the agent which of
	// the account's users they are (ChooseMe).
	Ask bool
	// Problem, when set, is what is wrong with a configured user_id, in
	// words (it names none of the account's users).
	Problem string
}

// Known reports whether mbx knows who the user is.
func (i Identity) Known() bool { return i.UserID != "" }

// SetConfiguredUser records the config file's user_id for this account
// ("" when it has none): it wins over the platform and the agent's answer
// from now on. main calls it at every start, before Run.
func (e *Engine) SetConfiguredUser(userID string) error {
	userID = strings.TrimSpace(userID)
	old, err := e.store.GetMeta(metaMeConfig)
	if err != nil {
		return err
	}
	if old == userID {
		if userID != "" && e.Me() != userID {
			e.SetMe(userID)
		}
		return nil
	}
	if err := e.store.SetMeta(metaMeConfig, userID); err != nil {
		return err
	}
	switch {
	case userID != "":
		e.SetMe(userID)
	case e.Me() == old:
		// The override is gone: the platform or the agent says again at
		// the next reference refresh; meanwhile the agent's answer holds.
		chosen, err := e.store.GetMeta(metaMeChosen)
		if err != nil {
			return err
		}
		e.SetMe(chosen)
	}
	e.bus.publish(Changes{List: true, Reference: true})
	return nil
}

// ChooseMe records the agent's answer to "Which of these is you?": one
// of the account's users. It is remembered in the store (asked once per
// account) and used at once; the platform's answer, when it has one, and
// the config file's user_id come first.
func (e *Engine) ChooseMe(userID string) error {
	cfg, err := e.store.GetMeta(metaMeConfig)
	if err != nil {
		return err
	}
	if cfg != "" && cfg != userID {
		return &InputError{fmt.Sprintf("the config file says who you are (user_id = %q): change or remove that line to choose another user", cfg)}
	}
	users, err := e.store.Users()
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(users, func(u User) bool { return u.ID == userID }) {
		return &InputError{"that user is not among this account's users: choose one of the list"}
	}
	if err := e.store.SetMeta(metaMeChosen, userID); err != nil {
		return err
	}
	if unknown, err := e.store.GetMeta(metaMeUnknown); err != nil {
		return err
	} else if unknown != "1" && e.Me() != "" && cfg == "" {
		return nil // the platform says who the user is: the answer waits for when it cannot
	}
	e.SetMe(userID)
	e.bus.publish(Changes{List: true, Reference: true})
	return nil
}

// Identity says who the current user is, from where, and whether the
// agent should be asked.
func (e *Engine) Identity() (Identity, error) {
	me := e.Me()
	var metas [3]string
	for i, k := range []string{metaMeConfig, metaMeChosen, metaMeUnknown} {
		v, err := e.store.GetMeta(k)
		if err != nil {
			return Identity{}, err
		}
		metas[i] = v
	}
	cfg, chosen, unknown := metas[0], metas[1], metas[2]
	switch {
	case cfg != "":
		id := Identity{UserID: cfg, Source: IdentityConfig}
		users, err := e.store.Users()
		if err != nil {
			return Identity{}, err
		}
		if len(users) > 0 && !slices.ContainsFunc(users, func(u User) bool { return u.ID == cfg }) {
			id.Problem = fmt.Sprintf("user_id %q in the config file is none of this account's %d users: fix it or remove the line", cfg, len(users))
		}
		return id, nil
	case me == "":
		return Identity{Ask: unknown == "1"}, nil
	case me == chosen && unknown == "1":
		return Identity{UserID: me, Source: IdentityChosen}, nil
	}
	return Identity{UserID: me, Source: IdentityPlatform}, nil
}

// resolveMe decides who the user is after a reference refresh, from the
// platform's answer (Backend.Me) and the users it listed: the config
// file's user_id, else the platform's user, else the agent's earlier
// answer if it is still one of the users, else nobody (and the agent is
// asked). The platform's WriteScope is kept whoever is chosen: it is the
// logged-in user's.
func (e *Engine) resolveMe(platform User, users []User) (User, error) {
	find := func(id string) User {
		for _, u := range users {
			if u.ID == id {
				u.WriteScope = platform.WriteScope
				return u
			}
		}
		return User{ID: id, WriteScope: platform.WriteScope}
	}
	cfg, err := e.store.GetMeta(metaMeConfig)
	if err != nil {
		return User{}, err
	}
	unknown := ""
	var me User
	switch {
	case cfg != "":
		me = find(cfg)
	case platform.ID != "":
		me = platform
	default:
		unknown = "1"
		chosen, err := e.store.GetMeta(metaMeChosen)
		if err != nil {
			return User{}, err
		}
		if chosen != "" && slices.ContainsFunc(users, func(u User) bool { return u.ID == chosen }) {
			me = find(chosen)
		}
	}
	was, err := e.store.GetMeta(metaMeUnknown)
	if err != nil {
		return User{}, err
	}
	if was != unknown {
		if err := e.store.SetMeta(metaMeUnknown, unknown); err != nil {
			return User{}, err
		}
		if me.ID == "" {
			e.log.Warn("identity: the platform does not say which user this is; the agent is asked", "users", len(users))
		}
	}
	return me, nil
}
